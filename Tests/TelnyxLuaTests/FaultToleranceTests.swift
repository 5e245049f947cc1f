import NIOConcurrencyHelpers
import Telnyx
import Testing

@testable import TelnyxLua

/// What a script sees when the server misbehaves: every malformed response becomes an error
/// table with the SDK's class in `type` and a message naming the method, the host stays usable,
/// and a 1,000-item bulk job through heavy faults accounts for every item.
@Suite("Fault tolerance from Lua")
struct FaultToleranceTests {
    /// Calls `telnyx.balance.retrieve()` (a JSON method) under pcall; returns `ok`, then the error's
    /// `type`, `message`, `status`, `method`, then what a second, healthy call returned.
    static let callTwice = """
        local opts = ...
        local api = opts and telnyx.with_options(opts) or telnyx
        local ok, e = pcall(api.balance.retrieve)
        local second = telnyx.balance.retrieve()
        if ok then return true, e end
        return false, e.type, e.message, e.status, e.method, second.data.ok
        """

    /// Replies with `first` to the first request and a good body to every later one (after `bad`
    /// requests have seen `first`).
    static func server(bad: Int = 1, _ first: TestServer.Reply) async throws -> TestServer {
        try await TestServer.start { _, index in index < bad ? first : .json(200, #"{"data":{"ok":true}}"#) }
    }

    @Test func truncatedJSONIsAnAPIResponseValidationError() async throws {
        let server = try await Self.server(.json(200, #"{"data":{"balance":"1.00","#))
        let result = try await runLua(Self.callTwice, against: server)
        await server.stop()
        #expect(result[0] == .boolean(false))
        #expect(result[1] == .string("APIResponseValidationError"))
        #expect(result[2].stringValue?.contains("malformed JSON in the response of balance.retrieve") == true)
        #expect(result[2].stringValue?.contains("invalid JSON at byte 26") == true)
        #expect(result[3] == .integer(200))
        #expect(result[4] == .string("balance.retrieve"))
        #expect(result[5] == .boolean(true))
    }

    @Test func htmlGatewayPageIsAnInternalServerErrorWithAReadableMessage() async throws {
        let page = TestServer.Reply(
            status: 502, headers: [("Content-Type", "text/html")],
            body: Array("<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>".utf8))
        let server = try await Self.server(bad: 3, page)
        let result = try await runLua(Self.callTwice, against: server)
        #expect(server.count == 4)
        await server.stop()
        #expect(result[1] == .string("InternalServerError"))
        #expect(result[2] == .string("502 Bad Gateway: 502 Bad Gateway Bad Gateway"))
        #expect(result[3] == .integer(502))
        #expect(result[5] == .boolean(true))
    }

    @Test func plainTextWhereJSONIsExpectedNamesTheContentType() async throws {
        let text = TestServer.Reply(status: 200, headers: [("Content-Type", "text/plain")], body: Array("OK".utf8))
        let server = try await Self.server(text)
        let result = try await runLua(Self.callTwice, against: server)
        await server.stop()
        #expect(result[1] == .string("APIResponseValidationError"))
        #expect(result[2] == .string("expected JSON from balance.retrieve, got text/plain (2 bytes)"))
        #expect(result[5] == .boolean(true))
    }

    @Test func emptyOKWhereABodyIsExpectedIsAnError() async throws {
        let empty = TestServer.Reply(status: 200, headers: [("Content-Type", "application/json")], body: [])
        let server = try await Self.server(empty)
        let result = try await runLua(Self.callTwice, against: server)
        await server.stop()
        #expect(result[1] == .string("APIResponseValidationError"))
        #expect(result[2] == .string("expected a JSON body from balance.retrieve, got an empty 200 response"))
        #expect(result[5] == .boolean(true))
    }

    @Test func tenMegabyteResponseDecodesIntoLua() async throws {
        // Few, long strings: cheap to build here, the 10 MB still all go through the decoder.
        let pad = String(repeating: "y", count: 10_400)
        let items = (1...1000).map { #"{"id":\#($0),"pad":"\#(pad)"}"# }
        let body = #"{"data":["# + items.joined(separator: ",") + "]}"
        #expect(body.utf8.count > 10_000_000)
        let server = try await TestServer.start { _, _ in .json(200, body) }
        let result = try await runLua("""
            local r = telnyx.balance.retrieve()
            local sum, bytes = 0, 0
            for _, item in ipairs(r.data) do sum, bytes = sum + item.id, bytes + #item.pad end
            return #r.data, sum, bytes
            """, against: server)
        await server.stop()
        #expect(result == [.integer(1000), .integer(500_500), .integer(10_400_000)])
    }

    @Test func dripFedBodyEndsInAPITimeoutError() async throws {
        let body = Array(#"{"data":{"ok":true}}"#.utf8) + Array(repeating: UInt8(ascii: " "), count: 200)
        let drip = TestServer.Reply(
            status: 200, headers: [("Content-Type", "application/json")], body: body, delivery: .drip(interval: 1))
        let server = try await Self.server(drip)
        let started = ContinuousClock.now
        let result = try await runLua(Self.callTwice, against: server, arguments: [.table(["timeout": 1, "max_retries": 0])])
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(server.count == 2)
        #expect(server.drippedBytes < body.count)
        await server.stop()
        #expect(result[1] == .string("APITimeoutError"))
        #expect(result[2].stringValue?.hasPrefix("Request timed out (after 1 s") == true)
        #expect(result[3] == .nil)
        #expect(result[5] == .boolean(true))
    }

    @Test func connectionClosedMidBodyIsAnAPIConnectionErrorAfterRetries() async throws {
        let cut = TestServer.Reply(
            status: 200, headers: [("Content-Type", "application/json")],
            body: Array(#"{"data":{"balance":"100.00","currency":"USD"}}"#.utf8), delivery: .cutAfter(bytes: 12))
        let server = try await Self.server(bad: 3, cut)
        let result = try await runLua(Self.callTwice, against: server)
        #expect(server.count == 4)
        await server.stop()
        #expect(result[1] == .string("APIConnectionError"), "\(result)")
        #expect(result[2].stringValue?.hasPrefix("Connection error") == true)
        #expect(result[5] == .boolean(true))
    }

    // MARK: Bulk work through faults

    @Test func thousandItemMapThroughFaultsAccountsForEveryItem() async throws {
        let sandbox = try await SandboxHarness.start(phoneNumbers: 1000)
        let listed = try await runLua("""
            local ids = {}
            for n in telnyx.phone_numbers.list{page = {size = 250}} do ids[#ids + 1] = n.id end
            return telnyx.json.encode(ids)
            """, baseURL: sandbox.baseURL)
        let ids = try #require(listed.first?.stringValue)

        try await sandbox.resetLog()
        try await sandbox.configureFaults(["error_rate": 0.2, "throttle_rate": 0.1, "reset_rate": 0.05])
        let retries = NIOLockedValueBox(0)
        let summary = try await runLua("""
            local ids = telnyx.json.decode(...)
            local results = telnyx.map(ids, function(id)
              return telnyx.phone_numbers.update(id, {tags = {"bulk"}}).data.id
            end, {concurrency = 50})
            local done, failed, kinds, wrong = 0, 0, {}, 0
            for i, r in ipairs(results) do
              if r.index ~= i or r.item ~= ids[i] then wrong = wrong + 1 end
              if r.ok then
                done = done + 1
                if r.value ~= ids[i] then wrong = wrong + 1 end
              else
                failed = failed + 1
                if not telnyx.is_error(r.error) or r.error.method ~= "phone_numbers.update" then wrong = wrong + 1 end
                kinds[r.error.type] = (kinds[r.error.type] or 0) + 1
              end
            end
            return #results, done, failed, wrong, telnyx.json.encode(kinds)
            """, baseURL: sandbox.baseURL, arguments: [.string(ids)], onRetry: { retries.withLockedValue { $0 += 1 } })
        try await sandbox.configureFaults(["error_rate": 0, "throttle_rate": 0, "reset_rate": 0])
        let log = try await sandbox.requests()
        let tagged = try await runLua("""
            local n = 0
            for _ in telnyx.phone_numbers.list{filter = {tag = "bulk"}, page = {size = 250}} do n = n + 1 end
            return n
            """, baseURL: sandbox.baseURL)
        await sandbox.stop()

        #expect(summary[0] == .integer(1000))
        let done = summary[1].integerValue ?? -1
        let failed = summary[2].integerValue ?? -1
        #expect(done + failed == 1000)
        #expect(summary[3] == .integer(0))
        // Three attempts each at ~35% failure: most items get through, a few run out of retries.
        #expect(done > 800)
        let kinds = try JSONValue.parse(Array((summary[4].stringValue ?? "{}").utf8))
        let allowed: Set<String> = ["InternalServerError", "RateLimitError", "APIConnectionError"]
        for (kind, _) in kinds.objectValue ?? [:] { #expect(allowed.contains(kind), "unexpected \(kind)") }
        #expect(kinds.objectValue?.values.reduce(0) { $0 + ($1.intValue ?? 0) } ?? 0 == failed)

        // The server saw exactly the first attempts plus the retries, and answered 200 once per
        // item done.
        let counters = log["counters"]
        let total = counters?["total"]?.intValue ?? 0
        #expect(total >= 1000)
        #expect(total == 1000 + Int64(retries.withLockedValue { $0 }))
        #expect(counters?["by_status"]?["200"]?.intValue == done)
        #expect((counters?["by_status"]?["500"]?.intValue ?? 0) > 0)
        #expect((counters?["by_status"]?["429"]?.intValue ?? 0) > 0)
        #expect((counters?["by_status"]?["0"]?.intValue ?? 0) > 0)
        // A reset comes after the sandbox applied the change (as a real network can lose an
        // answer), so items whose last attempt was reset may be tagged even though they failed.
        // Each item tagged without being done needs at least one reset among its attempts.
        let taggedCount = tagged.first?.integerValue ?? -1
        let resets = counters?["by_status"]?["0"]?.intValue ?? 0
        #expect(taggedCount >= done && taggedCount <= done + min(resets, failed))
    }
}

/// Runs `code` in a fresh host pointed at `server` on a thread of its own, with retry delays
/// scaled down 1000 times (through the internal options: scripts cannot change the scale).
func runLua(
    _ code: String, against server: TestServer, arguments: [LuaValue] = []
) async throws -> [LuaValue] {
    try await runLua(code, baseURL: server.baseURL, arguments: arguments)
}

/// The same, against any base URL; `onRetry` observes the client's retries.
func runLua(
    _ code: String, baseURL: String, arguments: [LuaValue] = [],
    onRetry: (@Sendable () -> Void)? = nil
) async throws -> [LuaValue] {
    try await onThread {
        let host = try TelnyxHost(useEnvironment: false)
        host.configure(baseURL: baseURL, apiKey: "KEY_TEST")
        host.api.reconfigure { options in
            options.retryDelayScale = 0.001
            if let onRetry { options.onRetry = { _, _, _ in onRetry() } }
        }
        try host.vm.load(Array(code.utf8), name: "=test")
        let results = try host.vm.callReturningValues(arguments: arguments)
        let reports = try host.finishTasks()
        if !reports.isEmpty { throw LuaError.raise(reports.joined(separator: "\n")) }
        return results
    }
}
