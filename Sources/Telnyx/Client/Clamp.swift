/// Conversions of numbers that come from outside (a script's `timeout`, a config file, a
/// server's `expires_in` or `Retry-After`) into the integers timers take. Swift traps when a
/// Double does not fit the integer it is converted to, and NIO traps again when milliseconds
/// overflow its nanoseconds, so every such number is clamped first.
enum Clamp {
    /// The longest wait any timer is given: 30 days, "forever" for a request.
    static let maxSeconds = 30.0 * 86_400

    /// `seconds` as whole milliseconds within 1 ms ... `maxSeconds` (NaN counts as 1 ms).
    static func milliseconds(_ seconds: Double) -> Int64 {
        guard !seconds.isNaN else { return 1 }
        return Int64(min(max(seconds, 0.001), maxSeconds) * 1000)
    }
}
