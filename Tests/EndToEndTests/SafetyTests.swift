import Foundation
import Testing

/// Script limits and --safe, on the real binary.
@Suite struct SafetyTests {
    private func lua(_ arguments: [String], env: [String: String] = [:], directory: URL? = nil) throws -> Binaries.Outcome {
        try Binaries.run(Binaries.telnyxLua, arguments, environment: env, directory: directory)
    }

    private func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("telnyx-safe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func maxMemoryStopsARunawayScript() throws {
        let r = try lua(["--max-memory", "20", "-e", "local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(64) .. i end"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("not enough memory"))
        let fine = try lua(["--max-memory", "20", "-e", "local t = {} for i = 1, 1000 do t[i] = i end print(#t)"])
        #expect(fine.stdout == "1000\n")
        #expect(try lua(["--max-memory", "zero", "-e", ""]).stderr.contains("--max-memory takes megabytes"))
    }

    @Test func timeoutStopsAnEndlessLoop() throws {
        let r = try lua(["--timeout", "0.5", "-e", "while true do end"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("script timed out"))
        // pcall cannot swallow it: the hook keeps raising until the script ends.
        let stubborn = try lua(["--timeout", "0.5", "-e", "while true do pcall(function() while true do end end) end"])
        #expect(stubborn.status == 1)
        #expect(stubborn.stderr.contains("script timed out"))
    }

    @Test func sigintInterruptsAScript() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.telnyxLua)
        process.arguments = ["-e", "io.write('started\\n') io.flush() while true do end"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Wait for the loop to start, then Ctrl-C.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("started") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1)
        #expect(stderr.contains("interrupted"))
    }

    @Test func safeModeRefusesWhatARecipeShouldNotDo() throws {
        let folder = try scratchFolder()
        try "return 'local module'".write(to: folder.appendingPathComponent("helper.lua"), atomically: true, encoding: .utf8)
        let refused: [(String, String)] = [
            ("os.execute('true')", "os.execute is not allowed"),
            ("io.popen('ls')", "io.popen is not allowed"),
            ("package.loadlib('x', 'y')", "package.loadlib is not allowed"),
            ("io.open('/etc/hostname')", "'/etc/hostname' is outside the recipe's folder"),
            ("io.open('../escape.txt', 'w')", "'../escape.txt' is outside the recipe's folder"),
            ("io.lines('/etc/hostname')", "outside the recipe's folder"),
            ("dofile('/etc/hostname')", "outside the recipe's folder"),
            ("load(string.dump(function() end), 'x', 'b')", "only text chunks"),
            ("telnyx.configure{base_url = 'http://127.0.0.1:1'}", "'base_url' cannot be changed in safe mode"),
            ("telnyx.configure{api_key = 'KEY_OTHER'}", "'api_key' cannot be changed in safe mode"),
            ("debug.traceback()", "attempt to index a nil value (global 'debug')"),
        ]
        for (code, message) in refused {
            let r = try lua(["--safe", "-e", code], directory: folder)
            #expect(r.status == 1, "\(code) was allowed")
            #expect(r.stderr.contains(message), "\(code): \(r.stderr)")
        }
        // What stays allowed: files here, modules here and bundled, the API, the environment
        // without credentials.
        let allowed = try lua(["--safe", "-e", """
            local f = assert(io.open('notes.txt', 'w')) f:write('kept') f:close()
            print(io.open('notes.txt'):read('a'), require('helper'), require('telnyx.e164').is_valid('+18005550100'))
            print(os.getenv('TELNYX_API_KEY'), os.getenv('HOME') ~= nil)
            """], env: ["TELNYX_API_KEY": "KEY_SHOULD_STAY_HIDDEN"], directory: folder)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout == "kept\tlocal module\ttrue\nnil\ttrue\n")
        // A link inside the folder pointing outside is followed, and refused.
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link").path, withDestinationPath: "/etc")
        let link = try lua(["--safe", "-e", "io.open('link/hostname')"], directory: folder)
        #expect(link.stderr.contains("outside the recipe's folder"))
    }

    @Test func configFileReadableByOthersIsRefused() throws {
        let config = try scratchFolder()
        let file = config.appendingPathComponent("telnyx-lua/config.toml")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "[default]\napi_key = \"KEY_FROM_FILE\"\n[staging]\nbase_url = \"http://127.0.0.1:9\"\n"
            .write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let open = try lua(["-e", "print(1)"], env: ["XDG_CONFIG_HOME": config.path])
        #expect(open.status == 1)
        #expect(open.stderr.contains("others can read it (mode 644); run: chmod 600 \(file.path)"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let unknown = try lua(["--profile", "prod", "-e", "print(1)"], env: ["XDG_CONFIG_HOME": config.path])
        #expect(unknown.stderr.contains("no profile 'prod'"))
        #expect(unknown.stderr.contains("profiles: default, staging"))
        let staging = try lua(["--profile", "staging", "-e", "print(1)"], env: ["XDG_CONFIG_HOME": config.path])
        #expect(staging.status == 0)
    }
}
