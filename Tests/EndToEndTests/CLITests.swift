import Foundation
import Testing

/// `telnyx-lua` as a real process behaves like `lua` 5.4.
@Suite struct CLITests {
    private func lua(_ arguments: [String], stdin: String? = nil, env: [String: String] = [:],
                     directory: URL? = nil) throws -> Binaries.Outcome {
        try Binaries.run(Binaries.telnyxLua, arguments, stdin: stdin, environment: env, directory: directory)
    }

    private func script(_ text: String, name: String = "script.lua") throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("telnyx-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Issue 16's sandbox faults: ids from voice.list work in voice.update; a TeXML call keeps
    /// the From and To it was made with; delete answers the record that was there.
    @Test func theSandboxAgreesWithItself() throws {
        let r = try lua(["--sandbox", "-e", """
            local v = telnyx.phone_numbers.voice.list():first()
            local n = telnyx.phone_numbers.list():first()
            local updated = telnyx.phone_numbers.voice.update(v.id, {tech_prefix_enabled = true})
            print(v.id == n.id, updated.data ~= nil)
            local c = telnyx.texml.accounts.calls.calls('AC1', {From = '+13125550100', To = '+13125550199', Url = 'https://example.com/x', ApplicationSid = 'app'})
            print(c.from, c.to)
            local before = telnyx.phone_numbers.retrieve(n.id).data
            local deleted = telnyx.phone_numbers.delete(n.id).data
            print(before.phone_number == deleted.phone_number, before.id == deleted.id)
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "true\ttrue\n+13125550100\t+13125550199\ntrue\ttrue\n", "\(r.stdout)")
    }

    /// `--sandbox-stateless`: an id never created answers (a 404 with `--sandbox`).
    @Test func theStatelessSandboxFindsAnyID() throws {
        let code = """
            local ok, r = pcall(telnyx.external_connections.retrieve, "7a1c9b52-3d4e-4f60-8a7b-9c0d1e2f3a4b")
            print(ok and r.data.id or r.status)
            """
        let stateless = try lua(["--sandbox-stateless", "-e", code])
        #expect(stateless.stdout == "7a1c9b52-3d4e-4f60-8a7b-9c0d1e2f3a4b\n", "\(stateless.stderr)")
        let stateful = try lua(["--sandbox", "-e", code])
        #expect(stateful.stdout == "404\n", "\(stateful.stderr)")
    }

    @Test func aMistypedMethodGetsASuggestion() throws {
        let r = try lua(["--sandbox", "-e", "telnyx.phone_numbers.retreive('x')"])
        #expect(r.stderr.contains("has no resource or method 'retreive' (did you mean 'retrieve'?)"), "\(r.stderr)")
    }

    /// A script's traceback shows its own frames, not the bundled runtime's (issue 16, item 4).
    @Test func tracebacksLeaveOutTheRuntimesFrames() throws {
        let r = try lua(["--sandbox", "-e", "local function lookup() local n = telnyx.phone_numbers.retrieve('nope') return n end lookup()"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("NotFoundError") && r.stderr.contains("in local 'lookup'"), "\(r.stderr)")
        #expect(!r.stderr.contains("telnyx.runtime") && !r.stderr.contains("stdlib/telnyx/runtime"), "\(r.stderr)")
    }

    /// The command-line details issue 16 found different from lua.c.
    @Test func commandLineDetailsAreLuas() throws {
        // -E: LUA_PATH and LUA_CPATH are ignored; without it they are package.path exactly.
        #expect(try lua(["-e", "print(package.path)"], env: ["LUA_PATH": "x"]).stdout == "x\n")
        #expect(try lua(["-E", "-e", "print(package.path:find('^x') == nil)"], env: ["LUA_PATH": "x"]).stdout == "true\n")
        // -W and warn: off by default, "@on" turns them on.
        #expect(try lua(["-e", "warn('hidden')"]).stderr == "")
        #expect(try lua(["-W", "-e", "warn('a', 'b')"]).stderr == "Lua warning: ab\n")
        #expect(try lua(["-e", "warn('@on') warn('shown')"]).stderr == "Lua warning: shown\n")
        // A script on stdin gets its arguments as `...`, read from `arg` at the time.
        #expect(try lua(["-", "x", "y"], stdin: "print(...)").stdout == "x\ty\n")
        #expect(try lua(["-e", "arg[1] = 100", "-", "x"], stdin: "print(...)").stdout == "100\n")
        let notTable = try lua(["-e", "arg = 1", "-"], stdin: "")
        #expect(notTable.status == 1 && notTable.stderr.contains("'arg' is not a table"))
        // Argument errors name the public functions.
        #expect(try lua(["-e", "coroutine.wrap(1)"]).stderr.contains("bad argument #1 to 'wrap' (function expected)"))
        #expect(try lua(["-e", "coroutine.resume(1)"]).stderr.contains("bad argument #1 to 'resume' (coroutine expected)"))
        // An error in a __close handler while coroutine.wrap unwinds reaches the caller.
        let closing = try lua(["-e", """
            local co = coroutine.wrap(function()
              local x <close> = setmetatable({}, {__close = function() error('from close', 0) end})
              error('first', 0)
            end)
            print(pcall(co))
            """])
        #expect(closing.stdout == "false\tfrom close\n", "\(closing.stderr)")
        // -h is not an option (--help is); missing arguments are worded as lua words them.
        #expect(try lua(["-h"]).stderr.contains("unrecognized option '-h'"))
        #expect(try lua(["-e"]).stderr.contains("'-e' needs argument"))
        // The REPL on a pipe: `=expr`, _PROMPT, results through print.
        let piped = try lua(["-i", "-e", "_PROMPT = '> '"], stdin: "=1 + 1\nprint = function(...) io.write('P:', ..., '\\n') end\n'x'\n")
        #expect(piped.stdout.contains("> =1 + 1\n2\n"), "\(piped.stdout)")
        #expect(piped.stdout.contains("P:x\n"), "\(piped.stdout)")
        let broken = try lua(["-i", "-e", "print = nil"], stdin: "10\n")
        #expect(broken.stderr.contains("error calling 'print'"))
    }

    @Test func encodesTheIssueExample() throws {
        let r = try lua(["-e", "print(telnyx.json.encode({a=1, b={1,2}, c=telnyx.null}))"])
        #expect(r.status == 0)
        #expect(r.stdout == "{\"a\":1,\"b\":[1,2],\"c\":null}\n")
    }

    @Test func argTableIsBuiltAsLuaDoes() throws {
        let s = try script("print(arg[0] == ..., select('#', ...), arg[1], arg[2], arg[-1], arg[-2], #arg)\nprint(...)")
        let r = try lua(["-e", "x=1", s.path, "a", "b c"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first == "false\t2\ta\tb c\tx=1\t-e\t2")
        #expect(lines.last == "a\tb c")
    }

    @Test func uncaughtErrorsGoToStderrWithATraceback() throws {
        let s = try script("local function f()\n  error('kaput')\nend\nf()\n")
        let r = try lua(["script.lua"], directory: s.deletingLastPathComponent())
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("telnyx-lua: script.lua:2: kaput\nstack traceback:"))
        #expect(r.stderr.contains("in local 'f'"))
        let table = try lua(["-e", "error(setmetatable({}, {__tostring = function() return 'custom error' end}))"])
        #expect(table.status == 1)
        #expect(table.stderr.contains("telnyx-lua: custom error"))
    }

    @Test func syntaxErrorsAndMissingFiles() throws {
        let r = try lua(["-e", "x = = 1"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("unexpected symbol near '='"))
        let missing = try lua(["/nonexistent/script.lua"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot open /nonexistent/script.lua"))
    }

    @Test func osExitCodeIsRespectedAndOutputFlushed() throws {
        let r = try lua(["-e", "io.write('partial') print(' line') io.write('unflushed') os.exit(7)"])
        #expect(r.status == 7)
        #expect(r.stdout == "partial line\nunflushed")
        #expect(try lua(["-e", "os.exit(false)"]).status == 1)
        #expect(try lua(["-e", "os.exit(true)"]).status == 0)
    }

    @Test func executeAndRequireRunInOrder() throws {
        let r = try lua(["-e", "x = 1", "-l", "telnyx.e164", "-e", "print(x, type(_G['telnyx.e164']))",
                         "-l", "num=telnyx.e164", "-e", "print(num.normalize('0044 20 7946 0000'))"])
        #expect(r.status == 0)
        #expect(r.stdout == "1\ttable\n+442079460000\n")
        let bad = try lua(["-l", "no.such.module"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("module 'no.such.module' not found"))
    }

    @Test func shebangLineIsSkipped() throws {
        let s = try script("#!/usr/bin/env telnyx-lua\nprint('shebang ok', ...)\n")
        let r = try lua([s.path, "x"])
        #expect(r.stdout == "shebang ok\tx\n")
        #expect(r.status == 0)
    }

    @Test func stdinIsAScript() throws {
        let dash = try lua(["-", "ignored"], stdin: "print('from stdin', 6 * 7)")
        #expect(dash.stdout == "from stdin\t42\n")
        // No script and stdin not a terminal: stdin is the script, as lua does.
        let implicit = try lua([], stdin: "print(#arg)\nerror('late')")
        #expect(implicit.stdout == "0\n")
        #expect(implicit.status == 1)
        #expect(implicit.stderr.contains("telnyx-lua: stdin:2: late"))
    }

    @Test func luaInitRunsFirstUnlessIgnored() throws {
        let r = try lua(["-e", "print(greeting)"], env: ["LUA_INIT": "greeting = 'hi'"])
        #expect(r.stdout == "hi\n")
        let file = try script("greeting = 'from file'")
        #expect(try lua(["-e", "print(greeting)"], env: ["LUA_INIT": "@" + file.path]).stdout == "from file\n")
        #expect(try lua(["-e", "print(greeting)"], env: ["LUA_INIT_5_4": "greeting = 54", "LUA_INIT": "greeting = 0"]).stdout == "54\n")
        #expect(try lua(["-E", "-e", "print(greeting)"], env: ["LUA_INIT": "greeting = 'hi'"]).stdout == "nil\n")
    }

    @Test func aCallWithoutAnAPIKeyFailsBeforeSending() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("telnyx-nokey-\(UUID().uuidString)")
        let r = try lua(["-e", "telnyx.phone_numbers.list():first()"],
                        env: ["HOME": home.path, "XDG_CONFIG_HOME": home.path, "TELNYX_BASE_URL": "http://127.0.0.1:9"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("telnyx-lua: AuthenticationError: no API key: set TELNYX_API_KEY"))
    }

    @Test func optionsAndHelp() throws {
        let help = try lua(["--help"])
        #expect(help.status == 0)
        for flag in ["-e stat", "-i", "-l mod", "-l g=mod", "-v", "-E", "--sandbox", "--dry-run", "--safe",
                     "--max-memory", "--timeout", "--profile"] {
            #expect(help.stdout.contains(flag), "help lacks \(flag)")
        }
        let version = try lua(["-v"])
        #expect(version.stdout.hasPrefix("telnyx-lua "))
        #expect(version.stdout.contains("Lua 5.4"))
        let unknown = try lua(["--frobnicate"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unrecognized option '--frobnicate'"))
        let dashdash = try lua(["--", "-e"])
        #expect(dashdash.status == 1)
        #expect(dashdash.stderr.contains("cannot open -e"))
    }
}
