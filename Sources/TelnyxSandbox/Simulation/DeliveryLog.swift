import NIOConcurrencyHelpers
import Telnyx

/// What one attempt of a delivery did, as `webhook_deliveries` shows it.
struct DeliveryAttempt: Sendable {
    var url: String
    var requestHeaders: [(String, String)]
    var startedAt: String
    var finishedAt: String
    /// The receiver's status, or nil when no answer came (connection failed, timed out, refused).
    var status: Int?
    var responseBody: String
    var responseHeaders: [(String, String)]
    /// Sandbox error codes (see `DeliveryError`); empty when the receiver answered.
    var errors: [Int]

    var delivered: Bool { status.map { (200..<300).contains($0) } ?? false }

    var json: JSONValue {
        func pairs(_ headers: [(String, String)]) -> JSONValue { .array(headers.map { [.string($0.0), .string($0.1)] }) }
        var response: [String: JSONValue] = ["body": .string(responseBody), "headers": pairs(responseHeaders)]
        if let status { response["status"] = .int(Int64(status)) }
        return ["status": delivered ? "delivered" : "failed", "started_at": .string(startedAt),
                "finished_at": .string(finishedAt), "errors": .array(errors.map { .int(Int64($0)) }),
                "http": ["request": ["url": .string(url), "headers": pairs(requestHeaders)], "response": .object(response)]]
    }
}

/// Why an attempt got no HTTP answer; the numbers appear in an attempt's `errors`.
enum DeliveryError: Int {
    /// The connection could not be made or broke.
    case connectionFailed = 1
    /// No answer within the timeout (`webhook_timeout_secs`).
    case timedOut = 2
    /// The URL is not http(s) or not on loopback (see `WebhookSettings.allowRemote`).
    case refused = 3
}

/// Every webhook delivery and its attempts, newest last, within `capacity` deliveries (the
/// oldest go first). Served by `GET /webhook_deliveries` and `/webhook_deliveries/{id}`.
final class DeliveryLog: Sendable {
    struct Record: Sendable {
        let id: String
        let event: WebhookEvent
        let startedAt: String
        var finishedAt: String?
        var delivered: Bool?
        var attempts: [DeliveryAttempt] = []
    }

    private struct State {
        var records: [String: Record] = [:]
        var order: [String] = []
        var head = 0
        var total = 0
    }

    /// Deliveries kept; attempts kept per delivery.
    let capacity: Int
    static let attemptsKept = 20
    let userID: String
    private let state = NIOLockedValueBox(State())

    init(capacity: Int, userID: String) {
        self.capacity = capacity
        self.userID = userID
    }

    /// Starts a delivery record for `event`.
    func begin(id: String, event: WebhookEvent) {
        state.withLockedValue { s in
            s.records[id] = Record(id: id, event: event, startedAt: SimulationClock.nowISO())
            s.order.append(id)
            s.total += 1
            while s.order.count - s.head > capacity {
                s.records[s.order[s.head]] = nil
                s.head += 1
            }
            if s.head > 1024 && s.head * 2 > s.order.count {
                s.order.removeFirst(s.head)
                s.head = 0
            }
        }
    }

    /// Adds an attempt to delivery `id`.
    func record(_ id: String, attempt: DeliveryAttempt) {
        state.withLockedValue { s in
            guard s.records[id] != nil, s.records[id]!.attempts.count < Self.attemptsKept else { return }
            s.records[id]!.attempts.append(attempt)
        }
    }

    /// Marks delivery `id` delivered or failed for good.
    func finish(_ id: String, delivered: Bool) {
        state.withLockedValue { s in
            s.records[id]?.delivered = delivered
            s.records[id]?.finishedAt = SimulationClock.nowISO()
        }
    }

    /// Deliveries started since the sandbox began (or was reset), kept or not.
    var total: Int { state.withLockedValue { $0.total } }

    /// The kept deliveries, oldest first.
    var all: [Record] {
        state.withLockedValue { s in s.order[s.head...].compactMap { s.records[$0] } }
    }

    func find(_ id: String) -> Record? { state.withLockedValue { $0.records[id] } }

    /// Forgets every delivery.
    func reset() { state.withLockedValue { $0 = State() } }

    /// One delivery as the `webhook_delivery` schema describes it.
    func json(_ r: Record) -> JSONValue {
        var out: [String: JSONValue] = [
            "id": .string(r.id), "record_type": "webhook_delivery", "user_id": .string(userID),
            "started_at": .string(r.startedAt), "webhook": r.event.data, "attempts": .array(r.attempts.map(\.json)),
        ]
        if let delivered = r.delivered { out["status"] = delivered ? "delivered" : "failed" }
        if let finished = r.finishedAt { out["finished_at"] = .string(finished) }
        return .object(out)
    }

    /// Whether `r` passes the list filters: `filter[status][eq]`, `filter[event_type]`,
    /// `filter[webhook][contains]` (text in the event), `filter[attempts][contains]` (text in an attempt).
    func matches(_ r: Record, filter: [String: JSONValue]) -> Bool {
        if let status = filter["status"]?["eq"]?.stringValue {
            guard let delivered = r.delivered, (delivered ? "delivered" : "failed") == status else { return false }
        }
        if let type = filter["event_type"]?.stringValue {
            let types = type.split(separator: ",").map(String.init)
            guard types.contains(r.event.eventType) else { return false }
        }
        if let text = filter["webhook"]?["contains"]?.stringValue, !r.event.data.jsonString.contains(text: text) { return false }
        if let text = filter["attempts"]?["contains"]?.stringValue,
            !r.attempts.contains(where: { $0.json.jsonString.contains(text: text) })
        {
            return false
        }
        return true
    }
}
