#if canImport(Glibc)
import Glibc
#endif

/// The log line format of `telnyx-lua serve`, one line per request: time, what, call id,
/// outcome, duration. The server writes the lines for requests it refuses or acknowledges as
/// redeliveries; the Lua dispatcher writes one when a handler finishes.
public enum EventLog {
    /// `2026-12-07T14:02:03.123Z`, now, in UTC.
    public static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let ms = Int(now.tv_nsec / 1_000_000)
        let millis = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millis)Z"
    }

    /// One line: `TIME WHAT CALL OUTCOME [DETAIL]`; an unknown call id is written `-`.
    public static func line(what: String, call: String?, outcome: String, detail: String = "") -> String {
        let call = (call?.isEmpty ?? true) ? "-" : call!
        let tail = detail.isEmpty ? "" : " " + sanitized(detail, spaces: true, limit: 240)
        return "\(timestamp()) \(sanitized(what, spaces: true)) \(sanitized(call)) \(outcome)\(tail)"
    }

    /// Writes `line` and a newline to stderr in one write, so lines from the server's threads
    /// and the Lua thread never interleave.
    public static func write(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }

    /// Request-controlled text cut to one short line of printable characters, so a hostile
    /// delivery cannot forge log lines or flood the log.
    /// Spaces are kept only where asked (`POST /path`), so the call id stays one column.
    public static func sanitized(_ text: String, spaces: Bool = false, limit: Int = 120) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            let unsafe = scalar.value < 0x20 || (scalar.value >= 0x7f && scalar.value < 0xa0) || (!spaces && scalar == " ")
            out.unicodeScalars.append(unsafe ? "_" : scalar)
        }
        return out.isEmpty ? "-" : out
    }
}
