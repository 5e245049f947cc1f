import Foundation
import Telnyx
import TelnyxSandbox
import Testing

/// What a hostile client sends the sandbox: numbers that overflow, admin settings that
/// overflow. Each is answered 4xx and the sandbox keeps serving (an overflow used to trap, which
/// also ended `telnyx-lua --sandbox`, since it runs the sandbox in-process: so does this test).
@Suite struct HostileInputTests {
    static let hugeCursor = "c" + String(repeating: "z", count: 20)

    @Test(arguments: [
        "/v2/phone_numbers?page[number]=9223372036854775807",
        "/v2/phone_numbers?page[number]=99999999999999999999999999&page[size]=250",
        "/v2/phone_numbers?page_number=1000000001",
        "/v2/phone_numbers?page[number]=1000000001&filter[tag]=tag-1",
        "/v2/texml/Accounts/AC1/Calls?Page=9223372036854775807&PageSize=250",
        "/v2/texml/Accounts/AC1/Queues?Page=9223372036854775807",
        "/v2/inexplicit_number_orders?page_number=9223372036854775807",
        "/v2/storage/kvs/kv1/keys?cursor=\(hugeCursor)",
        "/v2/storage/kvs/kv1/keys?cursor=c1y2p0ij32e8e7",
        "/v2/email_templates?page_cursor=\(hugeCursor)",
        "/v2/storage/cloudfs?page[after]=\(hugeCursor)",
        "/v2/email_threads?page[after]=\(hugeCursor)",
    ])
    func outOfRangePagesAre400AndTheSandboxKeepsServing(_ path: String) async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        let answer = try await h.send(.GET, path)
        // 400 from the pagination check, or 422 when query validation already finds the value
        // is no integer at all: either way a clear error in Telnyx's format.
        #expect(answer.status == 400 || answer.status == 422, "\(path): \(answer.status) \(String(decoding: answer.bytes, as: UTF8.self))")
        let error = answer.json?["errors"]?[0]
        #expect(error?["detail"]?.stringValue?.isEmpty == false, "\(path)")
        if answer.status == 400 {
            #expect(error?["title"] == "Invalid parameter", "\(path)")
            #expect(error?["source"]?["parameter"]?.stringValue?.isEmpty == false, "\(path)")
        }
        // Still serving, and the largest page number served still works.
        #expect(try await h.send(.GET, "/v2/phone_numbers").status == 200)
        #expect(try await h.send(.GET, "/v2/phone_numbers?page[number]=1000000000&page[size]=250").status == 200)
    }

    @Test func negativeAndOversizedPageValuesStillFallBackToTheFirstPage() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        for query in ["page[number]=-9223372036854775808", "page[number]=0", "page[size]=-5", "page[size]=9223372036854775807"] {
            let answer = try await h.send(.GET, "/v2/phone_numbers?" + query)
            #expect(answer.status == 200, "\(query)")
            #expect(answer.json?["meta"]?["page_number"] == 1, "\(query)")
        }
        // Not integers at all: query validation answers 422 before pagination sees them.
        for query in ["page[number]=-99999999999999999999", "page[number]=abc", "page[size]=99999999999999999999"] {
            #expect(try await h.send(.GET, "/v2/phone_numbers?" + query).status == 422, "\(query)")
        }
    }

    @Test func deeplyNestedQueryBracketsDoNotOverflowTheStack() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        for depth in [17, 2_000, 20_000] {
            let query = "filter" + String(repeating: "[a]", count: depth) + "=1"
            let answer = try await h.send(.GET, "/v2/phone_numbers?" + query)
            #expect(answer.status < 500, "depth \(depth): \(answer.status)")
        }
        #expect(try await h.send(.GET, "/v2/phone_numbers?filter[tag]=tag-1").json?["meta"]?["total_results"] == 20)
    }

    @Test(arguments: [
        #"{"latency_ms": 9223372036854775807}"#,
        #"{"jitter_ms": 9223372036854775807}"#,
        #"{"latency_ms": 1e300}"#,
        #"{"jitter_ms": 600001}"#,
        #"{"script": [{"status": -1}]}"#,
        #"{"script": [{"status": 9223372036854775807}]}"#,
        #"{"script": [{"status": 500, "latency_ms": 9223372036854775807}]}"#,
        #"{"script": [{"latency_ms": 1e18}]}"#,
        #"{"script": [{"status": 429, "retry_after": -9223372036854775808}]}"#,
    ])
    func adminSettingsThatWouldOverflowAre422(_ body: String) async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        let answer = try await h.send(.POST, "/__sandbox/config", raw: body, token: nil)
        #expect(answer.status == 422, "\(body): \(String(decoding: answer.bytes, as: UTF8.self))")
        // Nothing was queued or set that could fire on the next request.
        let config = try await h.send(.GET, "/__sandbox/config", token: nil).json
        #expect(config?["script"] == [], "\(body)")
        #expect(config?["latency_ms"] == 0 && config?["jitter_ms"] == 0, "\(body)")
        #expect(try await h.send(.GET, "/v2/phone_numbers").status == 200)
    }

    @Test func theLargestAcceptedSettingsDoNotOverflowEither() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        // A rate limit of Int64.max is unlimited in practice; jitter at its cap is scheduled fine.
        try await h.configure(["rate_limit": .int(Int64.max), "jitter_ms": 600_000, "latency_ms": 600_000])
        try await h.configure(["latency_ms": 0, "jitter_ms": 0, "script": [["status": 503, "latency_ms": 1]]])
        #expect(try await h.send(.GET, "/v2/phone_numbers").status == 503)
        #expect(try await h.send(.GET, "/v2/phone_numbers").status == 200)
    }

    @Test func aBigLatencyFromTheCommandLineIsClampedNotTrapped() async throws {
        let h = try await Harness.start(SandboxConfiguration(faults: FaultSettings(latencyMs: Int.max, jitterMs: Int.max)))
        defer { Task { try await h.stop() } }
        // The delay is clamped to 10 minutes: the request is pending, and the server alive.
        let admin = try await h.send(.GET, "/__sandbox/health", token: nil)
        #expect(admin.status == 200)
        await #expect(throws: (any Error).self) { try await h.send(.GET, "/v2/phone_numbers", timeout: .milliseconds(300)) }
        #expect(try await h.send(.GET, "/__sandbox/health", token: nil).status == 200)
    }
}
