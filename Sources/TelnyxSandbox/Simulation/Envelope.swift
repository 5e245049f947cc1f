import Telnyx

/// One webhook event as Telnyx frames it. The `data` part is fixed when the event happens; the
/// `meta` part (attempt number, destination) is filled per delivery attempt, so each attempt's
/// body is signed on its own.
struct WebhookEvent: Sendable {
    let id: String
    let eventType: String
    let occurredAt: String
    let payload: [String: JSONValue]

    /// `data` of the envelope: `{"record_type": "event", "id", "event_type", "occurred_at", "payload"}`.
    var data: JSONValue {
        ["record_type": "event", "id": .string(id), "event_type": .string(eventType),
         "occurred_at": .string(occurredAt), "payload": .object(payload)]
    }

    /// The bytes sent for attempt `attempt` to `url`: `{"data": ..., "meta": {"attempt", "delivered_to"}}`.
    func body(attempt: Int, deliveredTo url: String) -> [UInt8] {
        let envelope: JSONValue = ["data": data, "meta": ["attempt": .int(Int64(attempt)), "delivered_to": .string(url)]]
        return envelope.jsonBytes
    }
}

/// Where a webhook goes: the primary URL, the failover URL tried once the primary gave up, and
/// the per-attempt timeout (the application's `webhook_timeout_secs`).
struct WebhookDestination: Sendable {
    var url: String?
    var failoverURL: String?
    var timeoutSeconds: Int = 10
}
