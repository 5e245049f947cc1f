#if canImport(Glibc)
import Glibc
#endif
import LuaShims
import TelnyxEvents
import TelnyxLua

/// `telnyx-lua serve app.lua`: starts the event server, runs the app (which registers its
/// handlers), then dispatches deliveries and route requests to them until Ctrl-C, SIGTERM or
/// `telnyx.stop()`; `--replay FILE` feeds recorded deliveries instead of listening.
struct ServeCommand {
    let options: Options
    let serve: ServeOptions
    let host: TelnyxHost
    let programName: String
    /// The key the in-process sandbox (`--sandbox`) signs its deliveries with, base64.
    let sandboxPublicKey: String?

    func run() -> Int32 {
        let runner = ScriptRunner(options: options, host: host, programName: programName)
        if let replay = serve.replay {
            // Read here, not by Lua's io.open: under --safe the file may lie outside the folder.
            guard let text = Self.read(replay) else {
                Console.error("\(programName): --replay: cannot read '\(replay)': \(String(cString: strerror(errno)))\n")
                return 1
            }
            guard runner.runCommandLine() else { return 1 }
            return finish(runner, status: dispatch("replay_text", arguments: [.bytes(text), .string(replay)]))
        }
        let server: EventServer
        do {
            server = try EventServer(settings: try settings(), log: EventLog.write)
            _ = try blocking { try await server.start() }
            try host.attach(server)
        } catch {
            Console.error("\(programName): serve: \(error)\n")
            return 1
        }
        print("telnyx-lua serve: listening on \(server.url)\(serve.insecure ? " (--insecure: signatures not checked)" : "")")
        fflush(nil)
        guard runner.runCommandLine() else { return 1 }
        // From here on Ctrl-C and SIGTERM stop the server gracefully; a second one ends it.
        tl_install_stop_handlers()
        let status = dispatch("serve")
        try? blocking { await server.shutdown() }
        print("telnyx-lua serve: stopped")
        return finish(runner, status: status)
    }

    /// The server's settings from the options, the environment and the sandbox.
    private func settings() throws -> EventServerSettings {
        var settings = EventServerSettings(host: serve.host, port: serve.port, insecure: serve.insecure,
                                           maxBodyBytes: serve.maxBodyBytes, maxQueued: serve.maxQueue)
        // --insecure means what the banner says: nothing is checked, whatever key is around.
        guard !serve.insecure else { return settings }
        var keyText = serve.publicKey
        if keyText == nil, !options.ignoreEnvironment, let raw = getenv("TELNYX_PUBLIC_KEY") { keyText = String(cString: raw) }
        if keyText == nil { keyText = sandboxPublicKey }
        if let keyText {
            switch SignatureVerifier.decodePublicKey(keyText) {
            case .success(let key): settings.publicKey = key
            case .failure(let refusal): throw EventServerError("\(refusal.reason) (--public-key or TELNYX_PUBLIC_KEY)")
            }
        }
        return settings
    }

    /// Runs `require('telnyx.events')[entry](argument)` with the options applied; returns the
    /// exit status it gives (1 on an error).
    private func dispatch(_ entry: String, arguments: [LuaValue] = []) -> Int32 {
        let code = """
            local events = require('telnyx.events')
            events.configure{grace = \(serve.grace), max_handlers = \(serve.maxHandlers),
              handler_timeout = \(serve.handlerTimeout), backlog = \(min(1000, serve.maxQueue))}
            return events.\(entry)(...)
            """
        do {
            try host.vm.load(Array(code.utf8), name: "=(serve)")
            let results = try host.vm.callReturningValues(arguments: arguments)
            if case .integer(let status)? = results.first { return Int32(truncatingIfNeeded: status) }
            return 0
        } catch {
            Console.error("\(programName): \(error)\n")
            return 1
        }
    }

    /// The whole file at `path`, or nil (errno says why).
    private static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n > 0 { bytes.append(contentsOf: chunk[..<n]) }
            if n < chunk.count { return ferror(file) == 0 ? bytes : nil }
        }
    }

    /// The app's own tasks run to their end; a failure nobody awaited makes the status 1.
    private func finish(_ runner: ScriptRunner, status: Int32) -> Int32 {
        runner.finishTasks() ? status : 1
    }
}
