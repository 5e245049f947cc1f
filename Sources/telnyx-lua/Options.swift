/// The command line of `telnyx-lua`, parsed the way `lua` 5.4 parses its own, plus the
/// telnyx-lua options (all spelled with two dashes so they never clash with lua's).
struct Options {
    /// One `-e` or `-l`, run in command-line order before the script.
    enum Step {
        case execute(String)
        case require(global: String, module: String)
    }

    var steps: [Step] = []
    var interactive = false
    var showVersion = false
    var ignoreEnvironment = false
    var warnings = false
    var showHelp = false
    /// Index in `arguments` of the script (`-` for stdin), or nil when there is none.
    var scriptIndex: Int?
    var arguments: [String]

    var sandbox = false
    /// `--sandbox-stateless`: the sandbox as Prism, every well-formed id answers (docs/sandbox.md).
    var sandboxStateless = false
    var dryRun = false
    var safe = false
    var weakSafe = false
    var maxMemoryMB: Int?
    var timeoutSeconds: Double?
    var profile: String?
    /// `telnyx-lua serve ...`: the event server's options; nil for a plain run.
    var serve: ServeOptions?

    var script: String? { scriptIndex.map { arguments[$0] } }

    /// The script's own arguments, `arg[1..]`.
    var scriptArguments: [String] {
        guard let scriptIndex else { return [] }
        return Array(arguments[(scriptIndex + 1)...])
    }

    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    /// Parses `arguments` (argv, program name first).
    init(_ arguments: [String]) throws {
        self.arguments = arguments
        var i = 1
        // A subcommand, as the first word (a script named "serve" runs as ./serve).
        if arguments.count > 1 && arguments[1] == "serve" {
            serve = ServeOptions()
            i = 2
        }
        func value(for option: String, attached: Substring) throws -> String {
            if !attached.isEmpty { return String(attached) }
            i += 1
            guard i < arguments.count, !arguments[i].hasPrefix("-") || option == "-e" else {
                throw UsageError(description: "'\(option)' needs argument")
            }
            return arguments[i]
        }
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { i += 1; break }
            if a == "-" || !a.hasPrefix("-") { break }
            if serve != nil, try serve!.parse(a, value: { try value(for: a, attached: "") }) {
                i += 1
                continue
            }
            switch a {
            case "-i": interactive = true; showVersion = true
            case "-v": showVersion = true
            case "-E": ignoreEnvironment = true
            case "-W": warnings = true
            case "--help": showHelp = true
            case "--version": showVersion = true
            case "--sandbox": sandbox = true
            case "--sandbox-stateless": sandbox = true; sandboxStateless = true
            case "--dry-run": dryRun = true
            case "--safe": safe = true
            case "--weak-safe": safe = true; weakSafe = true
            case "--max-memory":
                let text = try value(for: a, attached: "")
                guard let mb = Int(text), mb > 0 else { throw UsageError(description: "--max-memory takes megabytes (a positive whole number)") }
                maxMemoryMB = mb
            case "--timeout":
                let text = try value(for: a, attached: "")
                guard let seconds = Double(text), seconds > 0 else { throw UsageError(description: "--timeout takes seconds (a positive number)") }
                timeoutSeconds = seconds
            case "--profile":
                profile = try value(for: a, attached: "")
            default:
                if a.hasPrefix("-e") {
                    steps.append(.execute(try value(for: "-e", attached: a.dropFirst(2))))
                } else if a.hasPrefix("-l") {
                    let spec = try value(for: "-l", attached: a.dropFirst(2))
                    if let eq = spec.firstIndex(of: "=") {
                        steps.append(.require(global: String(spec[..<eq]), module: String(spec[spec.index(after: eq)...])))
                    } else {
                        steps.append(.require(global: spec, module: spec))
                    }
                } else {
                    throw UsageError(description: "unrecognized option '\(a)'")
                }
            }
            i += 1
        }
        if i < arguments.count { scriptIndex = i }
        if serve != nil && !showHelp {
            guard let script, script != "-" else { throw UsageError(description: "serve needs the app's file (telnyx-lua serve app.lua)") }
            if interactive || !steps.isEmpty { throw UsageError(description: "serve runs one app file; -i, -e and -l do not apply") }
        }
    }

    /// Whether any -e was given (then no REPL opens by default, as in lua).
    var hasExecute: Bool {
        steps.contains { if case .execute = $0 { return true } else { return false } }
    }

    static let usage = """
        usage: telnyx-lua [options] [script [args]]
               telnyx-lua serve [options] app.lua [args]   (webhooks and TeXML; serve --help)
        Runs Lua 5.4 with the Telnyx API as the global table `telnyx`.

        Options as in lua:
          -e stat        execute string 'stat'
          -i             enter interactive mode after running the script
          -l mod         require library 'mod' into global 'mod'
          -l g=mod       require library 'mod' into global 'g'
          -v             show version information
          -E             ignore environment variables (LUA_INIT, LUA_PATH, TELNYX_*)
          -W             turn warnings on
          --             stop handling options
          -              run stdin as the script and stop handling options

        telnyx-lua options:
          --sandbox          start the built-in API simulator on loopback and use it (no API key needed)
          --sandbox-stateless
                             --sandbox, stateless: any well-formed id answers a generated record
          --dry-run          print mutating requests (POST, PUT, PATCH, DELETE) instead of sending them
          --safe             run an untrusted script: files only in the current directory, network
                             only to the API, no programs, no debug library, no binary chunks;
                             enforced by the kernel (Landlock, seccomp) and refused without it
          --weak-safe        --safe, but accept the Lua layer alone where the kernel lacks Landlock
          --max-memory MB    stop the script when the process holds more than MB megabytes for it
                             (Lua's memory, response bodies, JSON being encoded, uploads)
          --timeout SECONDS  stop the script after SECONDS; if it is stuck in a C call it is ended
                             a second later with exit status 124
          --profile NAME     use profile NAME of ~/.config/telnyx-lua/config.toml
          --help             show this help
          --version          show the version

        With no script, a terminal on stdin opens the REPL; otherwise stdin is run as the script.
        Environment: TELNYX_API_KEY, TELNYX_BASE_URL, TELNYX_LOG=info|debug, TELNYX_LUA_PATH,
        LUA_INIT_5_4 / LUA_INIT (a chunk or @file run first), LUA_PATH, LUA_CPATH, NO_COLOR.
        """
}
