#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import HTTP1Client

/// When and how long to wait before retrying, exactly as the Stainless-generated SDKs do
/// (`_should_retry`, `_calculate_retry_timeout`, `_parse_retry_after_header`).
public enum RetryPolicy {
    /// The first backoff delay, in seconds.
    public static let initialDelay = 0.5
    /// The backoff ceiling, in seconds.
    public static let maxDelay = 8.0

    /// Whether a response is worth retrying: `x-should-retry: true|false` decides if present;
    /// otherwise 408 (request timeout), 409 (lock timeout), 429 (rate limit) and any 5xx.
    public static func shouldRetry(status: Int, headers: [(String, String)]) -> Bool {
        switch header("x-should-retry", in: headers) {
        case "true": return true
        case "false": return false
        default: return status == 408 || status == 409 || status == 429 || status >= 500
        }
    }

    /// Seconds to wait before retry number `retryIndex + 1` (so `retryIndex` is 0 for the first
    /// retry). A server-given `retry-after-ms` or `Retry-After` wins when it is within (0, 60] s;
    /// otherwise `min(0.5 * 2^retryIndex, 8) * (1 - 0.25 * jitter)` with `jitter` in [0, 1).
    ///
    /// `now` (Unix seconds) and `jitter` are parameters so this can be checked exactly.
    public static func delay(
        retryIndex: Int, headers: [(String, String)]?, now: Double = currentUnixTime(),
        jitter: Double = Double.random(in: 0..<1)
    ) -> Double {
        if let headers, let after = retryAfter(headers: headers, now: now), after > 0, after <= 60 {
            return after
        }
        let exponent = Double(min(max(retryIndex, 0), 1000))
        let base = min(initialDelay * pow(2.0, exponent), maxDelay)
        return max(base * (1 - 0.25 * jitter), 0)
    }

    /// The wait a server asked for, in seconds: `retry-after-ms` first (more precise), then
    /// `Retry-After` as a number of seconds (fractions allowed) or as an HTTP date.
    public static func retryAfter(headers: [(String, String)], now: Double = currentUnixTime()) -> Double? {
        if let ms = header("retry-after-ms", in: headers).flatMap({ Double($0.trimmed) }), ms.isFinite {
            return ms / 1000
        }
        guard let value = header("retry-after", in: headers)?.trimmed else { return nil }
        if let seconds = Double(value), seconds.isFinite { return seconds }
        if let date = parseHTTPDate(value) { return date - now }
        return nil
    }

    /// Parses an RFC 9110 IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) or the obsolete RFC 850
    /// form (`Sunday, 06-Nov-94 08:49:37 GMT`) to Unix seconds.
    public static func parseHTTPDate(_ text: String) -> Double? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map(String.init)
        // Drop the weekday when present; what is left is day, month, year, time[, zone].
        let fields = tokens.first.map { Int($0) == nil } == true ? Array(tokens.dropFirst()) : tokens
        guard fields.count >= 4, let day = Int(fields[0]), var year = Int(fields[2]) else { return nil }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        guard let month = months.firstIndex(of: fields[1].lowercased()) else { return nil }
        if year < 100 { year += year < 70 ? 2000 : 1900 }
        let clock = fields[3].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (1...31).contains(day) else { return nil }
        if fields.count > 4, !["gmt", "utc", "ut", "z"].contains(fields[4].lowercased()) { return nil }
        // Clamped: a server's date is outside input, and a year that overflows Int32 must not trap.
        var parts = tm()
        parts.tm_year = Int32(clamping: year &- 1900)
        parts.tm_mon = Int32(clamping: month)
        parts.tm_mday = Int32(clamping: day)
        parts.tm_hour = Int32(clamping: clock[0])
        parts.tm_min = Int32(clamping: clock[1])
        parts.tm_sec = Int32(clamping: clock[2])
        return Double(timegm(&parts))
    }

    /// The wall-clock time in Unix seconds (the reference for HTTP dates).
    public static func currentUnixTime() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    static func header(_ name: String, in headers: [(String, String)]) -> String? {
        headers.first { HTTPSyntax.sameName($0.0, name) }?.1
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
