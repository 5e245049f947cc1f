import NIOConcurrencyHelpers
import Telnyx

/// What the sandbox saw: the last requests (method, path, query, body, status) and counters,
/// including the highest number of requests in flight at once, which is how a test proves a
/// client's concurrency limit.
final class RequestLog: Sendable {
    struct Entry: Sendable {
        let method: String
        let path: String
        let query: String
        let body: String
        var status: Int

        /// What the entry holds, for the byte cap (the strings and a little for the record).
        var bytes: Int { method.utf8.count + path.utf8.count + query.utf8.count + body.utf8.count + 64 }
    }

    private struct State {
        /// A ring of the last entries, keyed by sequence number: numbers `firstNumber...sequence`
        /// that are still present. Dropping the oldest is O(1), however full the log is.
        var entries: [Int: Entry] = [:]
        /// The sequence number of the oldest entry kept; numbers keep rising across resets.
        var firstNumber = 1
        var sequence = 0
        var bytes = 0
        var total = 0
        var byStatus: [Int: Int] = [:]
        var inFlight = 0
        var maxInFlight = 0
    }

    private let state = NIOLockedValueBox(State())
    private let limits: SandboxLimits

    init(limits: SandboxLimits = SandboxLimits()) {
        self.limits = limits
    }

    /// Records a request as it starts; returns its sequence number for `finish`. The oldest
    /// entries go when the log would exceed its entry or byte cap.
    func begin(method: String, path: String, query: String, body: [UInt8]) -> Int {
        let entry = Entry(
            method: String(method.prefix(32)), path: Self.cut(path, limits.logBodyBytes),
            query: Self.cut(query, limits.logBodyBytes),
            body: String(decoding: body.prefix(max(limits.logBodyBytes, 0)), as: UTF8.self), status: 0)
        let size = entry.bytes
        return state.withLockedValue { s in
            s.total += 1
            s.sequence += 1
            s.inFlight += 1
            s.maxInFlight = max(s.maxInFlight, s.inFlight)
            if s.entries.isEmpty { s.firstNumber = s.sequence }
            while !s.entries.isEmpty && (s.entries.count >= max(limits.logEntries, 1) || s.bytes + size > limits.logBytes) {
                if let dropped = s.entries.removeValue(forKey: s.firstNumber) { s.bytes -= dropped.bytes }
                s.firstNumber += 1
            }
            if s.entries.isEmpty { s.firstNumber = s.sequence }
            // An entry larger than the whole cap is not kept, but still counted.
            if size <= limits.logBytes {
                s.entries[s.sequence] = entry
                s.bytes += size
            } else {
                s.firstNumber = s.sequence + 1
            }
            return s.sequence
        }
    }

    /// At most `limit` bytes of `text` (on a character boundary).
    private static func cut(_ text: String, _ limit: Int) -> String {
        text.utf8.count <= limit ? text : String(text.prefix(max(limit, 0)))
    }

    /// Records the answer of request `number` (0 for a reset connection) once it is sent.
    func finish(_ number: Int, status: Int) {
        state.withLockedValue { s in
            s.inFlight = max(s.inFlight - 1, 0)
            s.byStatus[status, default: 0] += 1
            s.entries[number]?.status = status
        }
    }

    /// Clears entries and counters (requests in flight stay counted until they finish).
    func reset() {
        state.withLockedValue { s in
            let (inFlight, sequence) = (s.inFlight, s.sequence)
            s = State()
            s.inFlight = inFlight
            s.sequence = sequence
            s.firstNumber = sequence + 1
        }
    }

    var json: JSONValue {
        state.withLockedValue { s in
            let numbers = s.firstNumber...max(s.sequence, s.firstNumber)
            let requests: [JSONValue] = numbers.compactMap { s.entries[$0] }.map { e in
                ["method": .string(e.method), "path": .string(e.path), "query": .string(e.query),
                 "body": .string(e.body), "status": .int(Int64(e.status))]
            }
            var byStatus: [String: JSONValue] = [:]
            for (status, count) in s.byStatus { byStatus[String(status)] = .int(Int64(count)) }
            return [
                "requests": .array(requests),
                "counters": ["total": .int(Int64(s.total)), "by_status": .object(byStatus), "log_bytes": .int(Int64(s.bytes)),
                             "in_flight": .int(Int64(s.inFlight)), "max_in_flight": .int(Int64(s.maxInFlight))],
            ]
        }
    }
}
