import NIOConcurrencyHelpers
import NIOCore
import Telnyx

/// What a fault does to one response.
enum FaultAction: Sendable, Equatable {
    case none
    /// Answer this status (5xx) in Telnyx's error format instead.
    case status(Int)
    /// 429 with `Retry-After` seconds.
    case rateLimited(retryAfter: Int)
    /// Close the connection without answering.
    case reset
    /// Send the head with the full Content-Length and half the body, then close.
    case truncate
}

/// A one-shot fault queued from the admin endpoint: consumed by the next request whose path
/// starts with `pathPrefix` (any request when nil).
struct ScriptedFault: Sendable, Equatable {
    var action: FaultAction
    var latencyMs: Int
    var pathPrefix: String?

    /// Nil for a fault that is not one (nothing to do) or whose numbers are out of range: a
    /// status outside 100...599, a delay beyond `Faults.maxDelayMs`, a negative `retry_after`.
    init?(json: JSONValue) {
        guard let latency = Faults.milliseconds(json["latency_ms"] ?? .null) else { return nil }
        latencyMs = latency
        pathPrefix = json["path"]?.stringValue
        if json["reset"]?.boolValue == true {
            action = .reset
        } else if json["truncate"]?.boolValue == true {
            action = .truncate
        } else if let status = json["status"]?.intValue {
            guard (100...599).contains(status) else { return nil }
            let after = json["retry_after"]?.intValue ?? 1
            guard (0...86_400).contains(after) else { return nil }
            action = status == 429 ? .rateLimited(retryAfter: Int(after)) : .status(Int(status))
        } else if latencyMs > 0 {
            action = .none
        } else {
            return nil
        }
    }

    var json: JSONValue {
        var out: [String: JSONValue] = ["latency_ms": .int(Int64(latencyMs))]
        if let pathPrefix { out["path"] = .string(pathPrefix) }
        switch action {
        case .none: break
        case .status(let code): out["status"] = .int(Int64(code))
        case .rateLimited(let after):
            out["status"] = 429
            out["retry_after"] = .int(Int64(after))
        case .reset: out["reset"] = true
        case .truncate: out["truncate"] = true
        }
        return .object(out)
    }
}

/// The fault injector: settings from the flags or the admin endpoint, a token bucket for the
/// rate limit, the queue of one-shot faults, and a seeded generator so a run's faults repeat.
final class Faults: Sendable {
    /// The longest delay a fault may add (10 minutes): longer is no test of anything, and the
    /// event loop's timer arithmetic (nanoseconds in an Int64) must not overflow.
    static let maxDelayMs = 600_000

    /// A delay setting in milliseconds: null is 0, a negative number is 0 (as it always was),
    /// and anything but a whole number up to `maxDelayMs` is nil (refused).
    static func milliseconds(_ value: JSONValue) -> Int? {
        if value.isNull { return 0 }
        guard let ms = value.intValue, ms <= Int64(maxDelayMs) else { return nil }
        return Int(max(ms, 0))
    }

    private struct State {
        var settings: FaultSettings
        var script: [ScriptedFault] = []
        var tokens: Double = 0
        var lastRefill: NIODeadline = .now()
        var rng: SplitMix
    }

    private let state: NIOLockedValueBox<State>

    init(_ settings: FaultSettings, seed: UInt64) {
        state = NIOLockedValueBox(State(settings: settings, tokens: Double(settings.rateLimit ?? 0), rng: SplitMix(seed ^ 0xFA17)))
    }

    /// The fault (and delay in milliseconds) for the next request to `path`.
    func decide(path: String) -> (action: FaultAction, delayMs: Int) {
        state.withLockedValue { s in
            if let index = s.script.firstIndex(where: { $0.pathPrefix.map(path.hasPrefix) ?? true }) {
                let fault = s.script.remove(at: index)
                return (fault.action, fault.latencyMs)
            }
            let settings = s.settings
            // Clamped here too: the settings may come from command-line flags, not only `apply`.
            var delay = min(max(settings.latencyMs, 0), Self.maxDelayMs)
            let jitter = min(max(settings.jitterMs, 0), Self.maxDelayMs)
            if jitter > 0 { delay += s.rng.below(jitter + 1) }
            if let limit = settings.rateLimit, limit > 0 {
                let now = NIODeadline.now()
                let elapsed = Double((now - s.lastRefill).nanoseconds) / 1e9
                s.lastRefill = now
                s.tokens = min(Double(limit), s.tokens + elapsed * Double(limit))
                if s.tokens < 1 {
                    let wait = Int(((1 - s.tokens) / Double(limit)).rounded(.up))
                    return (.rateLimited(retryAfter: max(wait, 1)), delay)
                }
                s.tokens -= 1
            }
            func roll(_ rate: Double) -> Bool {
                rate > 0 && Double(s.rng.next() >> 11) / Double(1 << 53) < rate
            }
            if roll(settings.resetRate) { return (.reset, delay) }
            if roll(settings.errorRate) { return (.status(500), delay) }
            if roll(settings.throttleRate) { return (.rateLimited(retryAfter: 1), delay) }
            if roll(settings.truncateRate) { return (.truncate, delay) }
            return (.none, delay)
        }
    }

    /// The current settings and queued faults, as the admin endpoint shows them.
    var json: JSONValue {
        state.withLockedValue { s in
            let f = s.settings
            return [
                "latency_ms": .int(Int64(f.latencyMs)), "jitter_ms": .int(Int64(f.jitterMs)),
                "error_rate": .double(f.errorRate), "rate_limit": f.rateLimit.map { .int(Int64($0)) } ?? .null,
                "reset_rate": .double(f.resetRate), "truncate_rate": .double(f.truncateRate),
                "throttle_rate": .double(f.throttleRate),
                "script": .array(s.script.map(\.json)),
            ]
        }
    }

    /// Applies the members present in `json`; `script` appends one-shot faults, `clear_script`
    /// empties the queue. Returns a problem to report, or nil.
    func apply(_ json: JSONValue) -> String? {
        guard case .object(let members) = json else { return "the body must be a JSON object" }
        return state.withLockedValue { s in
            for (key, value) in members {
                switch key {
                case "latency_ms", "jitter_ms":
                    guard let ms = Self.milliseconds(value) else {
                        return "\(key) must be a whole number of milliseconds from 0 to \(Self.maxDelayMs)"
                    }
                    if key == "latency_ms" { s.settings.latencyMs = ms } else { s.settings.jitterMs = ms }
                case "error_rate": s.settings.errorRate = value.doubleValue ?? 0
                case "reset_rate": s.settings.resetRate = value.doubleValue ?? 0
                case "truncate_rate": s.settings.truncateRate = value.doubleValue ?? 0
                case "throttle_rate": s.settings.throttleRate = value.doubleValue ?? 0
                case "rate_limit":
                    s.settings.rateLimit = value.intValue.map(Int.init).flatMap { $0 > 0 ? $0 : nil }
                    s.tokens = Double(s.settings.rateLimit ?? 0)
                    s.lastRefill = .now()
                case "script":
                    for entry in value.arrayValue ?? [value] {
                        guard let fault = ScriptedFault(json: entry) else { return "unknown scripted fault \(entry.jsonString)" }
                        s.script.append(fault)
                    }
                case "clear_script": if value.boolValue == true { s.script.removeAll() }
                default: return "unknown setting '\(key)'"
                }
            }
            return nil
        }
    }
}
