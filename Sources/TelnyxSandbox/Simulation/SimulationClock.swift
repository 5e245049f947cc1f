import NIOConcurrencyHelpers
import Telnyx

/// Deterministic identifiers for everything the simulation creates (calls, events, messages,
/// deliveries): a SplitMix stream seeded from `--seed`, so the same run gives the same ids.
final class SimulationIDs: Sendable {
    private let rng: NIOLockedValueBox<SplitMix>

    init(seed: UInt64) { rng = NIOLockedValueBox(SplitMix(seed ^ 0x5151_CA11)) }

    /// A fresh UUID-shaped id.
    func uuid() -> String {
        rng.withLockedValue { uuidString($0.next(), $0.next()) }
    }

    /// A Telnyx-style call control id (`v3:` and 22 url-safe characters).
    func callControlID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return rng.withLockedValue { r in
            var out = "v3:"
            for _ in 0..<22 { out.append(alphabet[r.below(alphabet.count)]) }
            return out
        }
    }

    /// A TeXML CallSid (`v3:` ids are what Telnyx uses for TeXML calls too).
    func callSid() -> String { callControlID() }
}

/// Wall-clock times as the simulation writes them.
enum SimulationClock {
    /// Milliseconds since 1970.
    static func nowMs() -> Int64 { Int64(RetryPolicy.currentUnixTime() * 1000) }

    /// Seconds since 1970 (the `telnyx-timestamp` header).
    static func nowSeconds() -> Int64 { Int64(RetryPolicy.currentUnixTime()) }

    /// ISO 8601 UTC with milliseconds and `Z`, as Telnyx writes `occurred_at`.
    static func iso(_ ms: Int64) -> String {
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let millis = ms - seconds * 1000
        let base = isoDateTime(seconds)  // "....:SS.000Z"
        let fraction = String(millis)
        return String(base.dropLast(4)) + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
    }

    /// `iso(nowMs())`.
    static func nowISO() -> String { iso(nowMs()) }
}
