import Testing

@testable import TelnyxLua

/// An embedder's `TelnyxHost.configure(apiKey:)` with a key that cannot be sent: every call
/// fails naming where the key came from, nothing reaches the server, and the key is not quoted.
@Suite struct KeyCheckTests {
    @Test func hostConfigureWithABadKeyFailsEveryCallNamingItsSource() async throws {
        let server = try await TestServer.start()
        let result = try await onThread {
            let host = try TelnyxHost(useEnvironment: false)
            host.configure(baseURL: server.baseURL, apiKey: "KEYhost\nSECRETpart_0123456789")
            let first = try host.run("local ok, e = pcall(telnyx.balance.retrieve) return e.type, e.message")
            // A good key (its trailing newline trimmed) replaces it, and calls go through.
            host.configure(apiKey: "KEY_GOOD_0123456789\n")
            let second = try host.run("return telnyx.balance.retrieve().data ~= nil")
            return first + second
        }
        let seen = server.requests
        await server.stop()
        #expect(result[0] == .string("AuthenticationError"))
        let message = result[1].stringValue ?? ""
        #expect(message.hasPrefix("the API key given to TelnyxHost.configure contains a control character"), "\(message)")
        #expect(!message.contains("SECRETpart") && !message.contains("KEYhost"))
        #expect(result[2] == .boolean(true))
        #expect(seen.count == 1)
        #expect(seen.first?.header("Authorization") == "Bearer KEY_GOOD_0123456789")
    }
}
