import Telnyx

/// Simulated messaging: `messages.send` is answered as queued, then `message.sent` and
/// `message.finalized` (delivered) follow, 50 ms apart, to the message's `webhook_url` or its
/// messaging profile's (the body's `messaging_profile_id`, else the sending number's).
/// `POST /__sandbox/messages/inbound` delivers `message.received` for a number.
final class Messaging: Sendable {
    static let stepMs = 50
    let sender: WebhookSender
    let ids: SimulationIDs
    let routing: Routing

    init(sender: WebhookSender, ids: SimulationIDs, routing: Routing) {
        self.sender = sender
        self.ids = ids
        self.routing = routing
    }

    /// The profile of a message: the one named, else the number's.
    private func profileID(named: String?, number: String) -> String? {
        named ?? routing.numberRecord(number)?["messaging_profile_id"]?.stringValue
    }

    private func destination(_ body: JSONValue, profile: String?) -> WebhookDestination {
        var destination = profile.flatMap(routing.messagingDestination(profileID:)) ?? WebhookDestination()
        if let url = body["webhook_url"]?.stringValue { destination.url = url }
        if let url = body["webhook_failover_url"]?.stringValue { destination.failoverURL = url }
        return destination
    }

    /// The record of a message as its events carry it.
    private func record(id: String, direction: String, from: String, to: String, text: String, media: [JSONValue],
                        status: String, profile: String?, destination: WebhookDestination) -> [String: JSONValue] {
        let now = SimulationClock.nowISO()
        var out: [String: JSONValue] = [
            "record_type": "message", "id": .string(id), "direction": .string(direction),
            "type": media.isEmpty ? "SMS" : "MMS",
            "from": ["phone_number": .string(from), "carrier": "Telnyx", "line_type": "Wireless"],
            "to": [["phone_number": .string(to), "status": .string(status), "carrier": "Telnyx", "line_type": "Wireless"]],
            "text": .string(text), "media": .array(media), "encoding": "GSM-7", "parts": 1, "errors": [], "tags": [],
            "received_at": .string(now),
        ]
        // Absent rather than null: the schema has no nulls for them.
        if let profile { out["messaging_profile_id"] = .string(profile) }
        if let url = destination.url { out["webhook_url"] = .string(url) }
        if let url = destination.failoverURL { out["webhook_failover_url"] = .string(url) }
        return out
    }

    /// `messages.send`: the answer's `data` (over the generated one) and the events that follow.
    func send(_ body: JSONValue, generated: [String: JSONValue]) -> [String: JSONValue] {
        let from = body["from"]?.stringValue ?? ""
        let to = body["to"]?.stringValue ?? ""
        let profile = profileID(named: body["messaging_profile_id"]?.stringValue, number: from)
        let destination = destination(body, profile: profile)
        let id = ids.uuid()
        let media = (body["media_urls"]?.arrayValue ?? []).map { JSONValue.object(["url": $0]) }
        let payload: @Sendable (String) -> [String: JSONValue] = { [self] status in
            record(id: id, direction: "outbound", from: from, to: to, text: body["text"]?.stringValue ?? "", media: media,
                   status: status, profile: profile, destination: destination)
        }
        let queue = SerialQueue()
        sender.loop.scheduleTask(in: .milliseconds(Int64(Self.stepMs))) { [self] in
            var sent = payload("sent")
            sent["sent_at"] = .string(SimulationClock.nowISO())
            sender.deliver(event("message.sent", sent), to: destination, queue: queue)
            sender.loop.scheduleTask(in: .milliseconds(Int64(Self.stepMs))) { [self] in
                var done = payload("delivered")
                done["completed_at"] = .string(SimulationClock.nowISO())
                sender.deliver(event("message.finalized", done), to: destination, queue: queue)
            }
        }
        var data = generated
        for (k, v) in payload("queued") { data[k] = v }
        return data
    }

    /// `POST /__sandbox/messages/inbound` {"from", "to", "text", "media_urls"?, "webhook_url"?}:
    /// `message.received` to the profile of `to`. The answer's `data`, or a problem and status.
    func inbound(_ body: JSONValue) -> Result<JSONValue, InboundError> {
        guard let from = body["from"]?.stringValue, let to = body["to"]?.stringValue else {
            return .failure(InboundError(status: 422, "from and to are required"))
        }
        let profile = profileID(named: body["messaging_profile_id"]?.stringValue, number: to)
        let destination = destination(body, profile: profile)
        guard destination.url != nil else {
            return .failure(InboundError(status: 404, "no webhook URL for \(to): it is not a number with a messaging profile that has a webhook_url, and the body gives no webhook_url"))
        }
        let media = (body["media_urls"]?.arrayValue ?? []).map { JSONValue.object(["url": $0]) }
        let payload = record(id: ids.uuid(), direction: "inbound", from: from, to: to, text: body["text"]?.stringValue ?? "",
                             media: media, status: "webhook_delivered", profile: profile, destination: destination)
        let event = event("message.received", payload)
        sender.deliver(event, to: destination, queue: SerialQueue())
        return .success(["event_id": .string(event.id), "event_type": "message.received", "message": .object(payload),
                         "delivered_to": .string(destination.url ?? "")])
    }

    private func event(_ type: String, _ payload: [String: JSONValue]) -> WebhookEvent {
        WebhookEvent(id: ids.uuid(), eventType: type, occurredAt: SimulationClock.nowISO(), payload: payload)
    }
}

/// A refused admin request: its status (404, 422) and why.
struct InboundError: Error, Sendable {
    let status: Int
    let message: String
    init(status: Int, _ message: String) {
        self.status = status
        self.message = message
    }
}
