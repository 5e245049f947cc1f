import NIOConcurrencyHelpers
import Telnyx

/// What the sandbox saw: the last requests (method, path, query, body, status) and counters,
/// including the highest number of requests in flight at once, which is how a test proves a
/// client's concurrency limit.
final class RequestLog: Sendable {
    /// Entries kept; older ones are dropped so a benchmark cannot grow memory without bound.
    static let capacity = 10_000

    struct Entry: Sendable {
        let method: String
        let path: String
        let query: String
        let body: String
        var status: Int
    }

    private struct State {
        var entries: [Entry] = []
        /// The sequence number of `entries[0]`; numbers keep rising across resets.
        var firstNumber = 1
        var sequence = 0
        var total = 0
        var byStatus: [Int: Int] = [:]
        var inFlight = 0
        var maxInFlight = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Records a request as it starts; returns its sequence number for `finish`.
    func begin(method: String, path: String, query: String, body: [UInt8]) -> Int {
        let text = String(decoding: body.prefix(65_536), as: UTF8.self)
        return state.withLockedValue { s in
            s.total += 1
            s.sequence += 1
            s.inFlight += 1
            s.maxInFlight = max(s.maxInFlight, s.inFlight)
            if s.entries.count >= Self.capacity {
                s.entries.removeFirst(Self.capacity / 10)
                s.firstNumber += Self.capacity / 10
            }
            if s.entries.isEmpty { s.firstNumber = s.sequence }
            s.entries.append(Entry(method: method, path: path, query: query, body: text, status: 0))
            return s.sequence
        }
    }

    /// Records the answer of request `number` (0 for a reset connection) once it is sent.
    func finish(_ number: Int, status: Int) {
        state.withLockedValue { s in
            s.inFlight = max(s.inFlight - 1, 0)
            s.byStatus[status, default: 0] += 1
            let index = number - s.firstNumber
            if s.entries.indices.contains(index) { s.entries[index].status = status }
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
            let requests: [JSONValue] = s.entries.map { e in
                ["method": .string(e.method), "path": .string(e.path), "query": .string(e.query),
                 "body": .string(e.body), "status": .int(Int64(e.status))]
            }
            var byStatus: [String: JSONValue] = [:]
            for (status, count) in s.byStatus { byStatus[String(status)] = .int(Int64(count)) }
            return [
                "requests": .array(requests),
                "counters": ["total": .int(Int64(s.total)), "by_status": .object(byStatus),
                             "in_flight": .int(Int64(s.inFlight)), "max_in_flight": .int(Int64(s.maxInFlight))],
            ]
        }
    }
}
