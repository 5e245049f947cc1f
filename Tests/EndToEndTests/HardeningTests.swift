import Foundation
import Testing

/// Items 9 and 10 of issue 13 from the outside, as a recipe author would try them: a key with a
/// control character inside must not reach any output (every byte of stdout and stderr is
/// searched for every piece of it), and one line of input must not kill `telnyx-lua --sandbox`,
/// which runs the sandbox in its own process.
@Suite(.serialized) struct HardeningTests {
    /// Pieces long enough to identify the key (its runs of letters and digits).
    static func pieces(_ key: String) -> [String] {
        key.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init).filter { $0.count >= 5 }
    }

    private func expectNoKey(_ r: Binaries.Outcome, _ key: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let output = r.stdout + r.stderr
        for piece in Self.pieces(key) {
            #expect(!output.contains(piece), "'\(piece)' in the output: \(output)", sourceLocation: sourceLocation)
        }
    }

    /// The recipe reads `err.message`, `tostring(err)`, and a debug log runs: nothing holds the key.
    static let probe = """
        local ok, err = pcall(function() return telnyx.balance.retrieve() end)
        print("type", type(err) == "table" and err.type or "none")
        print("message", type(err) == "table" and err.message or tostring(err))
        print("string", tostring(err))
        """

    @Test(arguments: ["KEYinner\nSECRETpart_0123456789", "KEYctl\u{1}SECRETpart_0123456789", "KEYtab\tSECRETpart_0123456789",
                      "KEYspace SECRETpart_0123456789"])
    func aKeyWithAControlCharacterInsideIsRefusedAndNeverPrinted(_ key: String) throws {
        let sandbox = try SandboxProcess(["--api-key", "KEY_SERVER_SIDE_0000"])
        defer { sandbox.stop() }
        let env = ["TELNYX_API_KEY": key, "TELNYX_BASE_URL": sandbox.baseURL, "TELNYX_LOG": "debug"]
        let r = try Binaries.run(Binaries.telnyxLua, ["-e", Self.probe], environment: env)
        #expect(r.stdout.contains("type\tAuthenticationError"), "\(r.stdout)\n\(r.stderr)")
        let problem = key.contains(" ") ? "contains whitespace" : "contains a control character"
        #expect(r.stdout.contains("TELNYX_API_KEY \(problem)"), "\(r.stdout)")
        expectNoKey(r, key)
    }

    @Test func aTrailingNewlineIsTrimmedAndTheKeyWorks() throws {
        let key = "KEYfromAfile_0123456789"
        let sandbox = try SandboxProcess(["--api-key", key])
        defer { sandbox.stop() }
        let env = ["TELNYX_API_KEY": key + "\n", "TELNYX_BASE_URL": sandbox.baseURL, "TELNYX_LOG": "debug"]
        let r = try Binaries.run(Binaries.telnyxLua, ["-e", Self.probe + "\nprint('ok', telnyx.balance.retrieve().data ~= nil)"],
                                 environment: env)
        #expect(r.stdout.contains("type\tnone"), "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("ok\ttrue"))
        expectNoKey(r, key)
    }

    @Test func aConfigFileKeyWithAControlCharacterIsRefusedNamingTheProfile() throws {
        let key = "KEYfile\u{1}SECRETpart_0123456789"
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("hardening-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: config) }
        let file = config.appendingPathComponent("telnyx-lua/config.toml")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "[default]\napi_key = \"\(key)\"\n[staging]\napi_key = \"\(key)\"\n".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        // Asked for by name: fatal at start-up.
        let named = try Binaries.run(Binaries.telnyxLua, ["--profile", "staging", "-e", "print(1)"],
                                     environment: ["XDG_CONFIG_HOME": config.path])
        #expect(named.status == 1)
        #expect(named.stderr.contains("api_key of profile 'staging' in \(file.path) contains a control character"), "\(named.stderr)")
        expectNoKey(named, key)
        // The implicit [default]: the script runs, and a call fails saying why.
        let implicit = try Binaries.run(Binaries.telnyxLua, ["-e", Self.probe],
                                        environment: ["XDG_CONFIG_HOME": config.path, "TELNYX_BASE_URL": "http://127.0.0.1:9"])
        #expect(implicit.stdout.contains("message\tapi_key of profile 'default' in \(file.path) contains a control character"),
                "\(implicit.stdout)\n\(implicit.stderr)")
        expectNoKey(implicit, key)
    }

    @Test func configureWithABadKeyIsRefusedWithoutQuotingIt() throws {
        let key = "KEYconfigured\nSECRETpart_0123456789"
        let script = """
            local ok, err = pcall(telnyx.configure, {api_key = os.getenv("BAD_KEY")})
            print("configure", ok, tostring(err))
            local ok2, err2 = pcall(telnyx.with_options, {api_key = os.getenv("BAD_KEY")})
            print("with_options", ok2, tostring(err2))
            print("call", telnyx.balance.retrieve().data ~= nil)
            """
        let r = try Binaries.run(Binaries.telnyxLua, ["--sandbox", "-e", script], environment: ["BAD_KEY": key])
        #expect(r.stdout.contains("telnyx.configure: 'api_key' contains a control character"), "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("telnyx.with_options: 'api_key' contains a control character"))
        #expect(r.stdout.contains("configure\tfalse") && r.stdout.contains("with_options\tfalse"))
        #expect(r.stdout.contains("call\ttrue"))
        #expect(r.status == 0)
        expectNoKey(r, key)
    }

    @Test func oneLinersThatUsedToTrapNowFailCleanly() throws {
        let script = """
            telnyx.configure{timeout = 1e300, connect_timeout = 1e300}
            print("huge timeout", telnyx.balance.retrieve().data ~= nil)
            print("huge with_options", telnyx.with_options{timeout = 1e300}.balance.retrieve().data ~= nil)
            local ok, e = pcall(function() return telnyx.phone_numbers.list{page = {number = math.maxinteger}}:first() end)
            print("page", ok, e and e.type, e and e.status)
            ok, e = pcall(function() return telnyx.storage.kvs.keys.list("kv1", {cursor = "c" .. ("z"):rep(20)}):first() end)
            print("cursor", ok, e and e.type, e and e.status)
            print("still serving", telnyx.phone_numbers.list():first() ~= nil)
            """
        let r = try Binaries.run(Binaries.telnyxLua, ["--sandbox", "-e", script], timeout: 60)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("huge timeout\ttrue"))
        #expect(r.stdout.contains("huge with_options\ttrue"))
        #expect(r.stdout.contains("page\tfalse\tBadRequestError\t400"), "\(r.stdout)")
        #expect(r.stdout.contains("cursor\tfalse\tBadRequestError\t400"), "\(r.stdout)")
        #expect(r.stdout.contains("still serving\ttrue"))
    }
}
