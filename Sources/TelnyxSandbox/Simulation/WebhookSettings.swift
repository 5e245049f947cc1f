import Telnyx

/// How the sandbox delivers webhooks, and the delivery faults it injects. Set at start
/// (`SandboxConfiguration.webhooks`) and changed under `"webhooks"` of `POST /__sandbox/config`.
public struct WebhookSettings: Sendable, Equatable {
    /// Attempts per URL (primary, then failover) before giving up on it.
    public var maxAttempts: Int
    /// Delay before the second attempt; it doubles for each later one.
    public var retryDelayMs: Int
    /// Share of deliveries sent twice (same event id, two delivery records).
    public var duplicateRate: Double
    /// Delay added before every delivery's first attempt.
    public var delayMs: Int
    /// Share of events sent out of order: held back `reorderDelayMs` without holding the
    /// call's later events, which overtake it.
    public var reorderRate: Double
    /// How long a reordered event is held back.
    public var reorderDelayMs: Int
    /// Whether requests may go to hosts other than loopback. Off by default: the sandbox is not
    /// a way to make requests to arbitrary hosts, and examples' URLs never hang a test.
    public var allowRemote: Bool

    /// 3 attempts per URL, 1 s then 2 s apart, no faults, loopback only.
    public init(
        maxAttempts: Int = 3, retryDelayMs: Int = 1000, duplicateRate: Double = 0, delayMs: Int = 0,
        reorderRate: Double = 0, reorderDelayMs: Int = 200, allowRemote: Bool = false
    ) {
        self.maxAttempts = maxAttempts
        self.retryDelayMs = retryDelayMs
        self.duplicateRate = duplicateRate
        self.delayMs = delayMs
        self.reorderRate = reorderRate
        self.reorderDelayMs = reorderDelayMs
        self.allowRemote = allowRemote
    }

    /// The settings as `GET /__sandbox/config` shows them under `webhooks`.
    var json: JSONValue {
        ["max_attempts": .int(Int64(maxAttempts)), "retry_delay_ms": .int(Int64(retryDelayMs)),
         "duplicate_rate": .double(duplicateRate), "delay_ms": .int(Int64(delayMs)),
         "reorder_rate": .double(reorderRate), "reorder_delay_ms": .int(Int64(reorderDelayMs)),
         "allow_remote": .bool(allowRemote)]
    }

    /// Applies the members of `json`, all or nothing; returns a problem to report, or nil.
    mutating func apply(_ json: JSONValue) -> String? {
        guard case .object(let members) = json else { return "webhooks must be a JSON object" }
        var next = self
        for (key, value) in members {
            func rate() -> Double? { value.doubleValue.flatMap { (0...1).contains($0) ? $0 : nil } }
            func ms() -> Int? { value.intValue.flatMap { (0...Int64(Faults.maxDelayMs)).contains($0) ? Int($0) : nil } }
            switch key {
            case "max_attempts":
                guard let n = value.intValue, (1...10).contains(n) else { return "webhooks.max_attempts must be 1...10" }
                next.maxAttempts = Int(n)
            case "retry_delay_ms", "delay_ms", "reorder_delay_ms":
                guard let v = ms() else { return "webhooks.\(key) must be a whole number from 0 to \(Faults.maxDelayMs)" }
                if key == "retry_delay_ms" { next.retryDelayMs = v } else if key == "delay_ms" { next.delayMs = v } else { next.reorderDelayMs = v }
            case "duplicate_rate", "reorder_rate":
                guard let v = rate() else { return "webhooks.\(key) must be a number from 0 to 1" }
                if key == "duplicate_rate" { next.duplicateRate = v } else { next.reorderRate = v }
            case "allow_remote":
                guard let v = value.boolValue else { return "webhooks.allow_remote must be true or false" }
                next.allowRemote = v
            default: return "unknown webhooks setting '\(key)'"
            }
        }
        self = next
        return nil
    }
}
