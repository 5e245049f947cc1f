import Foundation
import Testing

/// `--timeout`, Ctrl-C and `--max-memory` against scripts built to overrun them (issue 13's
/// classes 7, 8, 10 and 13), and `--dry-run` and uploads against a recipe that tries to get
/// around them (classes 4 and 6). Times are measured around the whole process.
@Suite struct LimitsAttackTests {
    private func timed(_ arguments: [String], env: [String: String] = [:], directory: URL? = nil) throws -> (Binaries.Outcome, Double) {
        let start = Date()
        let r = try Binaries.run(Binaries.telnyxLua, arguments, environment: env, directory: directory, timeout: 30)
        return (r, Date().timeIntervalSince(start))
    }

    /// Each runs past a 1 s timeout in its own way; each must end within the timeout plus the
    /// watchdog's 1 s grace (and the process's start and exit).
    @Test(arguments: [
        ("pathological pattern", "string.find(string.rep('a', 40), string.rep('a*', 40) .. 'b')"),
        ("telnyx.sleep", "telnyx.sleep(20) print('slept')"),
        ("looping message handler", "xpcall(error, function() while true do end end)"),
        ("looping finalizer", "setmetatable({}, {__gc = function() while true do end end}) collectgarbage()"),
        ("exponential JSON", "local t = {} for i = 1, 60 do t = {t, t} end telnyx.json.encode(t)"),
        ("pcall loop", "while true do pcall(function() while true do end end) end"),
        ("looping __tostring error", "error(setmetatable({}, {__tostring = function() while true do end end}))"),
        ("task loop", "telnyx.spawn(function() while true do telnyx.sleep(0) end end) telnyx.sleep(30)"),
    ])
    func timeoutHolds(_ attack: (String, String)) throws {
        let (r, seconds) = try timed(["--timeout", "1", "-e", attack.1])
        #expect(r.status != 0, "\(attack.0) finished")
        #expect(!r.stdout.contains("slept"))
        #expect(seconds < 3.5, "\(attack.0) took \(seconds) s")
        // (A __tostring stopped by the timeout leaves its error unprintable, as lua.c says it.)
        #expect(r.stderr.contains("timed out") || r.stderr.contains("did not stop at its --timeout")
                || r.stderr.contains("(error object is a table value)"), "\(attack.0): \(r.stderr)")
    }

    @Test func stuckCCallsEndWithTheTimeoutStatus() throws {
        let (r, seconds) = try timed(["--timeout", "0.5", "-e", "string.find(string.rep('a', 40), string.rep('a*', 40) .. 'b')"])
        #expect(r.status == 124)
        #expect(r.stderr.contains("did not stop at its --timeout"))
        #expect(seconds < 3)
    }

    @Test func aPendingRequestToAHungServerEndsAtTheTimeout() throws {
        let server = try LoopbackListener()
        defer { server.close() }
        let (r, seconds) = try timed(["--timeout", "2", "-e", "telnyx.phone_numbers.retrieve('1')"],
                                     env: ["TELNYX_API_KEY": "KEY_X", "TELNYX_BASE_URL": "http://127.0.0.1:\(server.port)"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("timed out"), "\(r.stderr)")
        #expect(seconds < 4.5, "took \(seconds) s")
    }

    @Test func ctrlCEndsASleep() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.telnyxLua)
        process.arguments = ["-e", "io.write('started\\n') io.flush() telnyx.sleep(30)"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        _ = out.fileHandleForReading.availableData  // "started"
        let start = Date()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(Date().timeIntervalSince(start) < 2)
        #expect(process.terminationStatus == 1)
        #expect(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("interrupted"))
    }

    /// Error objects whose __tostring misbehaves are reported, not fatal (lua.c's wording).
    @Test(arguments: [
        "error(setmetatable({}, {__tostring = function() error('inner') end}))",
        "error(setmetatable({}, {__tostring = function() return 42 end}))",
        "error(setmetatable({}, {__tostring = function() return {} end}))",
        "error(setmetatable({}, {__index = function() error('no') end, __tostring = function() error('x') end}))",
        "local co = coroutine.wrap(function() error(setmetatable({}, {__tostring = function() error('x') end})) end) co()",
        "telnyx.spawn(function() error(setmetatable({}, {__tostring = function() error('x') end})) end)",
    ])
    func badToStringIsReportedNotFatal(_ code: String) throws {
        let r = try Binaries.run(Binaries.telnyxLua, ["-e", code])
        #expect(r.status == 1, "\(code): \(r.status)")
        #expect(r.stderr.contains("(error object is a table value)") || r.stderr.contains("never awaited"), "\(code): \(r.stderr)")
        #expect(!r.stderr.contains("unprotected") && !r.stderr.contains("Fatal"), "\(r.stderr)")
    }

    /// Class 8: the budget covers response bodies and JSON text, not only Lua's allocations.
    /// Bodies of 300 MB, announced (refused before reading) and chunked (counted as they
    /// arrive), eight at a time: the process stays within its start-up size plus the budget plus
    /// a small grace for the buffers in flight.
    @Test(.serialized, arguments: [false, true])
    func maxMemoryBoundsResponseBodies(chunked: Bool) throws {
        let server = try PythonServer.bigBody(megabytes: 300, chunked: chunked)
        defer { server.stop() }
        let (_, baselineMB) = try PeakMemory.run(Binaries.telnyxLua, ["-e", "telnyx.json.encode({})"])
        let script = """
            local results = telnyx.map({1, 2, 3, 4, 5, 6, 7, 8}, function() return telnyx.phone_numbers.retrieve('1') end, {concurrency = 8})
            for _, r in ipairs(results) do if not r.ok then print(tostring(r.error)) break end end
            """
        let (r, peakMB) = try PeakMemory.run(Binaries.telnyxLua, ["--max-memory", "64", "-e", script],
                                             env: ["TELNYX_API_KEY": "KEY_X", "TELNYX_BASE_URL": server.baseURL])
        #expect(r.stdout.contains("--max-memory"), "\(r.stdout)\(r.stderr)")
        #expect(peakMB < baselineMB + 64 + 32, "peak RSS \(peakMB) MB under --max-memory 64 (start-up: \(baselineMB) MB)")
    }

    @Test func maxMemoryBoundsJSONEncoding() throws {
        let (r, peakMB) = try PeakMemory.run(Binaries.telnyxLua, [
            "--max-memory", "64", "-e", "local t = {('x'):rep(1000)} for i = 1, 40 do t = {t, t} end telnyx.json.encode(t)",
        ])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--max-memory") || r.stderr.contains("not enough memory"), "\(r.stderr)")
        #expect(peakMB < 64 + 48, "peak RSS \(peakMB) MB")
    }

    /// Class 13: the script's hooks and the host's interrupt share the one hook slot.
    @Test func userHooksCoexistWithTheHostsInterrupt() throws {
        let r = try Binaries.run(Binaries.telnyxLua, ["-e", """
            print(debug.gethook())
            debug.sethook(debug.gethook())
            local lines = 0
            local function hook(event, line) lines = lines + 1 end
            debug.sethook(hook, 'l')
            local f, mask, count = debug.gethook()
            print(f == hook, mask, count)
            for i = 1, 3 do local x = i end
            debug.sethook(debug.gethook())
            print(select(2, debug.gethook()), lines > 0)
            debug.sethook()
            print(debug.gethook())
            local counts = 0
            debug.sethook(function(e) counts = counts + 1 end, '', 2500)
            for i = 1, 100000 do end
            debug.sethook()
            print(counts >= 39 and counts <= 41)
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "nil\ntrue\tl\t0\nl\ttrue\nnil\ntrue\n", "\(r.stdout)")
        // A script's hook, set or cleared, does not turn the timeout or Ctrl-C off.
        for code in ["debug.sethook() while true do end",
                     "debug.sethook(function() end, 'l') while true do end",
                     "debug.sethook(function() end, '', 1e9) while true do end",
                     "debug.sethook(debug.gethook()) while true do end"] {
            let (t, seconds) = try timed(["--timeout", "0.5", "-e", code])
            #expect(t.status == 1 && t.stderr.contains("timed out"), "\(code): \(t.stderr)")
            #expect(seconds < 2.5)
        }
    }

    /// Class 6: under --dry-run the host, not the Lua hook, keeps mutating requests from leaving.
    @Test func dryRunCannotBeSwitchedOffByTheRecipe() throws {
        let sandbox = try SandboxProcess()
        defer { sandbox.stop() }
        let env = ["TELNYX_API_KEY": "KEY_X", "TELNYX_BASE_URL": sandbox.baseURL]
        for attack in [
            "pcall(require('telnyx.dryrun').disable)",
            "telnyx.configure{before_request = false}",
            "telnyx.configure{before_request = function() return nil end}",
            "require('telnyx.dryrun').hook = function() end package.loaded['telnyx.dryrun'] = nil",
        ] {
            let r = try Binaries.run(Binaries.telnyxLua, ["--dry-run", "-e", attack + """

                local n = telnyx.phone_numbers.list{page = {size = 1}}:first()
                local updated = telnyx.phone_numbers.update(n.id, {tags = {'dry-run-escaped'}})
                print(updated.data.dry_run)
                """], environment: env)
            #expect(r.status == 0, "\(attack): \(r.stderr)")
            #expect(r.stdout == "true\n", "\(attack): \(r.stdout)")
            #expect(r.stderr.contains("DRY RUN PATCH"), "\(attack): \(r.stderr)")
        }
        let disable = try Binaries.run(Binaries.telnyxLua, ["--dry-run", "-e", "require('telnyx.dryrun').disable()"], environment: env)
        #expect(disable.stderr.contains("it stays on"))
        let log = try Binaries.run("/usr/bin/env", ["python3", "-c", """
            import json, urllib.request
            log = json.load(urllib.request.urlopen('\(sandbox.baseURL)/__sandbox/requests'))
            entries = log['requests'] if isinstance(log, dict) else log
            print(sum(1 for e in entries if e.get('method') not in ('GET', 'HEAD')))
            """])
        #expect(log.stdout == "0\n", "\(log.stdout)\(log.stderr)")
    }

    /// Class 4: an upload's path is checked in Swift when the request is built.
    @Test func uploadsReadOnlyInsideTheFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("telnyx-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "audio".write(to: folder.appendingPathComponent("greeting.mp3"), atomically: true, encoding: .utf8)
        for attack in [
            "telnyx.ai.audio.transcribe{model = 'distil-whisper/distil-large-v2', file = {path = '/etc/passwd'}}",
            "local f = telnyx.file('greeting.mp3') f.path = '/proc/self/environ' telnyx.ai.audio.transcribe{model = 'distil-whisper/distil-large-v2', file = f}",
            "local f = telnyx.file('greeting.mp3') rawset(f, 'path', '../../etc/passwd') telnyx.ai.audio.transcribe{model = 'distil-whisper/distil-large-v2', file = f}",
        ] {
            let r = try Binaries.run(Binaries.telnyxLua, ["--safe", "--sandbox", "-e", attack], directory: folder)
            #expect(r.status == 1, "allowed: \(attack)")
            #expect(r.stderr.contains("--safe:") && r.stderr.contains("outside the recipe's folder"), "\(attack): \(r.stderr)")
        }
    }
}

/// Runs a command under python3 and reports its peak resident memory (ru_maxrss of children).
enum PeakMemory {
    static func run(_ executable: String, _ arguments: [String], env: [String: String] = [:]) throws -> (Binaries.Outcome, Double) {
        let wrapper = """
            import json, resource, subprocess, sys
            p = subprocess.run(sys.argv[1:], capture_output=True)
            sys.stdout.write(json.dumps({"status": p.returncode, "out": p.stdout.decode('utf-8', 'replace'),
                "err": p.stderr.decode('utf-8', 'replace'),
                "kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
            """
        let r = try Binaries.run("/usr/bin/env", ["python3", "-c", wrapper, executable] + arguments, environment: env, timeout: 120)
        guard let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else {
            throw Binaries.TimeoutError(command: "peak memory wrapper: \(r.stderr)")
        }
        let outcome = Binaries.Outcome(status: Int32(json["status"] as? Int ?? -1), stdout: json["out"] as? String ?? "",
                                       stderr: json["err"] as? String ?? "")
        return (outcome, Double(json["kb"] as? Int ?? 0) / 1024)
    }
}
