import Testing

@testable import Telnyx

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test func retryableStatuses() {
        for status in [408, 409, 429, 500, 502, 503, 504] {
            #expect(RetryPolicy.shouldRetry(status: status, headers: []), "status \(status)")
        }
        for status in [400, 401, 403, 404, 422] {
            #expect(!RetryPolicy.shouldRetry(status: status, headers: []), "status \(status)")
        }
    }

    @Test func shouldRetryHeaderOverridesTheStatus() {
        #expect(RetryPolicy.shouldRetry(status: 400, headers: [("X-Should-Retry", "true")]))
        #expect(!RetryPolicy.shouldRetry(status: 503, headers: [("x-should-retry", "false")]))
    }

    @Test func exponentialBackoffWithJitterAndCeiling() {
        #expect(RetryPolicy.delay(retryIndex: 0, headers: nil, jitter: 0) == 0.5)
        #expect(RetryPolicy.delay(retryIndex: 1, headers: nil, jitter: 0) == 1.0)
        #expect(RetryPolicy.delay(retryIndex: 2, headers: nil, jitter: 0) == 2.0)
        #expect(RetryPolicy.delay(retryIndex: 10, headers: nil, jitter: 0) == 8.0)
        // Full jitter takes off at most a quarter.
        #expect(RetryPolicy.delay(retryIndex: 1, headers: nil, jitter: 0.999_999) > 0.75)
        #expect(RetryPolicy.delay(retryIndex: 1, headers: nil, jitter: 1) == 0.75)
    }

    @Test func retryAfterMillisecondsWinsOverSeconds() {
        let headers = [("retry-after-ms", "250"), ("Retry-After", "7")]
        #expect(RetryPolicy.delay(retryIndex: 0, headers: headers, jitter: 0) == 0.25)
    }

    @Test func retryAfterSecondsAndHTTPDate() {
        #expect(RetryPolicy.delay(retryIndex: 0, headers: [("Retry-After", "3")], jitter: 0) == 3)
        #expect(RetryPolicy.delay(retryIndex: 0, headers: [("Retry-After", "1.5")], jitter: 0) == 1.5)
        // 1994-11-06 08:49:37 UTC is 784111777.
        #expect(RetryPolicy.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(RetryPolicy.parseHTTPDate("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        let date = [("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT")]
        #expect(RetryPolicy.delay(retryIndex: 0, headers: date, now: 784_111_767, jitter: 0) == 10)
    }

    @Test func retryAfterOutsideZeroToSixtyFallsBackToBackoff() {
        for value in ["0", "-5", "61", "3600", "soon"] {
            #expect(RetryPolicy.delay(retryIndex: 1, headers: [("Retry-After", value)], jitter: 0) == 1.0, "\(value)")
        }
        let past = [("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT")]
        #expect(RetryPolicy.delay(retryIndex: 0, headers: past, now: 784_111_800, jitter: 0) == 0.5)
    }
}
