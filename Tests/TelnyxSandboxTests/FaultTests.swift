import NIOCore
import Telnyx
import TelnyxSandbox
import Testing

@Suite struct FaultTests {
    @Test func latencyDelaysWithoutBlockingOtherRequests() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        try await h.configure(["latency_ms": 300])
        let started = ContinuousClock.now
        // Four at once: with a blocking sleep they would take 4 x 300 ms on a busy loop.
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 { group.addTask { try await h.send(.GET, "/v2/balance").status } }
            for try await status in group { #expect(status == 200) }
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(300))
        // Concurrency shows in the sandbox's own count of requests in flight at once (a time
        // bound would also measure how loaded the machine is).
        #expect(try await h.counters()["max_in_flight"]?.intValue ?? 0 >= 2)
    }

    @Test func errorRateGives500AndRateLimitGives429WithRetryAfter() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        try await h.configure(["error_rate": 1.0])
        let failed = try await h.send(.GET, "/v2/balance")
        #expect(failed.status == 500)
        #expect(failed.json?["errors"]?[0]?["title"] != nil)
        try await h.configure(["error_rate": 0.0, "rate_limit": 2])
        var statuses: [Int] = []
        var retryAfter: String?
        // Until the limit answers (a loaded machine may spread the first few over the window).
        for _ in 0..<20 where retryAfter == nil {
            let answer = try await h.send(.GET, "/v2/balance")
            statuses.append(answer.status)
            if answer.status == 429 { retryAfter = answer.headers.first(name: "retry-after") }
        }
        #expect(statuses.prefix(2) == [200, 200])
        #expect(statuses.contains(429))
        #expect(Int(retryAfter ?? "") ?? 0 >= 1)
    }

    @Test func resetAndTruncationFailTheClient() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        try await h.configure(["script": [["reset": true], ["truncate": true, "path": "/v2/phone_numbers"]]])
        await #expect(throws: (any Error).self) { try await h.send(.GET, "/v2/balance") }
        await #expect(throws: (any Error).self) { try await h.send(.GET, "/v2/phone_numbers") }
        // One-shot faults are spent: the next request is clean.
        #expect(try await h.send(.GET, "/v2/balance").status == 200)
        let log = try await h.send(.GET, "/__sandbox/requests", token: nil).json
        #expect(log?["requests"]?.arrayValue?.count == 3)
    }
}
