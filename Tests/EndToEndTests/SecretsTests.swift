import Foundation
import Testing

/// The API key appears nowhere: not in stdout, stderr, debug logs, error messages,
/// tracebacks, or `tostring` of errors and options. Every byte of output is searched.
@Suite(.serialized) struct SecretsTests {
    static let key = "KEY0123SECRETabcdefXYZ"

    private func lua(_ arguments: [String], env: [String: String]) throws -> Binaries.Outcome {
        try Binaries.run(Binaries.telnyxLua, arguments, environment: env)
    }

    private func expectNoKey(_ outcome: Binaries.Outcome, _ key: String = SecretsTests.key, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!outcome.stdout.contains(key), "key in stdout", sourceLocation: sourceLocation)
        #expect(!outcome.stderr.contains(key), "key in stderr", sourceLocation: sourceLocation)
        // Nor a long piece of it (a key cut by a redactor that only hides a prefix, say).
        #expect(!(outcome.stdout + outcome.stderr).contains(String(key.dropFirst(4))), sourceLocation: sourceLocation)
    }

    @Test func debugLogsErrorsAndTracebacksNeverShowTheKey() throws {
        let sandbox = try SandboxProcess(["--api-key", Self.key])
        defer { sandbox.stop() }
        let env = ["TELNYX_API_KEY": Self.key, "TELNYX_BASE_URL": sandbox.baseURL, "TELNYX_LOG": "debug"]
        let script = """
            local first = telnyx.phone_numbers.list{page = {size = 2}}:first()
            print("first", first.phone_number)
            local ok, err = pcall(telnyx.phone_numbers.retrieve, "no-such-number")
            print("error", tostring(err), err.type, err.status)
            print("validation", select(2, pcall(telnyx.phone_numbers.list, {filtr = 1})))
            telnyx.configure{api_key = os.getenv("TELNYX_API_KEY"), timeout = 30}
            print("after configure", telnyx.phone_numbers.retrieve(first.id).data.id == first.id)
            error(err)
            """
        let r = try lua(["-e", script], env: env)
        #expect(r.stdout.contains("first\t+"), "\(r.stderr)")
        #expect(r.stdout.contains("error\tNotFoundError"))
        #expect(r.stdout.contains("after configure\ttrue"))
        #expect(r.stderr.contains("stack traceback"))
        #expect(r.stderr.lowercased().contains("authorization"), "debug logs show request headers, redacted")
        #expect(r.status == 1)
        expectNoKey(r)
    }

    @Test func authenticationFailuresNeverEchoTheKey() throws {
        let sandbox = try SandboxProcess(["--api-key", "KEY_THE_RIGHT_ONE_777"])
        defer { sandbox.stop() }
        let env = ["TELNYX_API_KEY": Self.key, "TELNYX_BASE_URL": sandbox.baseURL, "TELNYX_LOG": "debug"]
        let r = try lua(["-e", "local p = telnyx.phone_numbers.list() print(p:first())"], env: env)
        #expect(r.status == 1)
        #expect(r.stderr.contains("AuthenticationError"))
        expectNoKey(r)
    }

    @Test func aProfileKeyIsUsedAndNotShown() throws {
        let sandbox = try SandboxProcess(["--api-key", Self.key])
        defer { sandbox.stop() }
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("telnyx-secret-\(UUID().uuidString)")
        let file = config.appendingPathComponent("telnyx-lua/config.toml")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "[work]\napi_key = \"\(Self.key)\"\nbase_url = \"\(sandbox.baseURL)\"\n".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let r = try lua(["--profile", "work", "-e", "print(telnyx.phone_numbers.list():count())"],
                        env: ["XDG_CONFIG_HOME": config.path, "TELNYX_LOG": "debug"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "100\n")
        expectNoKey(r)
    }
}
