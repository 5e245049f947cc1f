#if canImport(Glibc)
import Glibc
#endif
import CBuildInfo
import CLua
import LuaShims
import TelnyxLua

/// Runs a command line the way lua.c does: LUA_INIT, then each -e and -l in order, then the
/// script with its arguments, then the REPL when asked for (or when stdin is a terminal and
/// nothing else was given). Returns the process exit status.
struct ScriptRunner {
    let options: Options
    let host: TelnyxHost
    let programName: String

    func run() -> Int32 {
        if !runCommandLine() { return 1 }
        if !finishTasks() { return 1 }
        // A script that ended past its deadline without reaching the hook again (its last call
        // was a wait the timeout cut short) still timed out.
        if tl_timed_out() != 0 {
            Console.error("\(programName): script timed out (--timeout)\n")
            return 1
        }
        if options.interactive {
            REPL(host: host, showVersion: !options.showVersion).run()
        } else if options.script == nil && !options.hasExecute && !options.showVersion {
            if isatty(0) != 0 {
                REPL(host: host).run()
            } else if !report(runScript("-")) {
                return 1
            }
        }
        return 0
    }

    /// The arg table, warnings, the banner, LUA_INIT, each -e and -l, then the script (its
    /// tasks keep running afterwards). False, with the error reported, when one fails.
    func runCommandLine() -> Bool {
        createArgTable()
        if options.warnings { lua_warning(host.vm.lua.state, "@on", 0) }
        if options.showVersion { printVersion() }
        if !options.ignoreEnvironment, !runInit() { return false }
        for step in options.steps {
            if !report(runStep(step)) { return false }
        }
        if let script = options.script {
            if !report(runScript(script)) { return false }
        }
        return true
    }

    /// Runs the tasks still alive to their end; reports failures nobody awaited. False if any.
    func finishTasks() -> Bool {
        do {
            let reports = try host.finishTasks()
            for message in reports {
                Console.error("\(programName): a task failed and was never awaited: \(message)\n")
            }
            return reports.isEmpty
        } catch {
            return report(.failure(error))
        }
    }

    private func printVersion() {
        // lua.c's line, after ours: scripts that check the Lua version read it as they would.
        let commit = String(cString: tl_build_commit())
        print("telnyx-lua \(TelnyxHostInfo.version) (commit \(commit)) with \(String(cString: tl_lua_copyright()))")
    }

    /// `arg`: arg[0] the script, arg[1..] its arguments, negative indices the interpreter and
    /// its options.
    private func createArgTable() {
        let lua = host.vm.lua
        let scriptIndex = options.scriptIndex ?? 0
        lua.newTable(arrayCapacity: Int32(options.arguments.count))
        for (i, argument) in options.arguments.enumerated() {
            lua.push(argument)
            lua.rawSet(-2, Int64(i - scriptIndex))
        }
        lua.setGlobal("arg")
    }

    private func runInit() -> Bool {
        let env = getenv("LUA_INIT_5_4") != nil ? "LUA_INIT_5_4" : "LUA_INIT"
        guard let raw = getenv(env) else { return true }
        let value = String(cString: raw)
        if value.hasPrefix("@") {
            return report(Result { try host.runFile(String(value.dropFirst())) })
        }
        return report(Result { try host.run(value, name: "=" + env) })
    }

    private func runStep(_ step: Options.Step) -> Result<Void, Error> {
        Result {
            switch step {
            case .execute(let code):
                try host.run(code, name: "=(command line)")
            case .require(let global, let module):
                let lua = host.vm.lua
                lua.getGlobal("require")
                lua.push(module)
                try host.vm.call(argumentCount: 1, resultCount: 1)
                lua.setGlobal(global)
            }
        }
    }

    /// Runs the script (`-`: stdin) with `...` read from the global `arg` table as lua.c does
    /// (so `-e "arg[1] = 100"` changes what the script sees, and `arg = 1` is an error).
    private func runScript(_ script: String) -> Result<Void, Error> {
        Result {
            let lua = host.vm.lua
            guard lua.getGlobal("arg") == LUA_TTABLE else {
                lua.pop()
                throw Options.UsageError(description: "'arg' is not a table")
            }
            let count = lua.rawLength(-1)
            var arguments: [LuaValue] = []
            if count > 0 {
                for i in 1...Int64(count) {
                    lua.rawGet(-1, i)
                    arguments.append(lua.value(at: -1))
                    lua.pop()
                }
            }
            lua.pop()
            try host.runFile(script, arguments: arguments)
        }
    }

    /// Prints an error as lua.c does (`telnyx-lua: message` and the traceback); true on success.
    func report(_ result: Result<Void, Error>) -> Bool {
        guard case .failure(let error) = result else { return true }
        fflush(nil)
        let text = "\(programName): \(error)\n"
        Console.error(text)
        return false
    }
}

extension Result where Failure == Error {
    init(_ body: () throws -> Success) {
        do { self = .success(try body()) } catch { self = .failure(error) }
    }
}
