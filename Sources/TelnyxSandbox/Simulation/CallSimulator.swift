import NIOConcurrencyHelpers
import NIOCore
import Telnyx

/// The simulated calls: their records, their lifecycle (ringing, answer, hangup as the parties
/// behave) and their Call Control events. Commands are in CallCommands.swift; TeXML calls are
/// driven by `TeXMLInterpreter`, which observes their end through `endObserver`.
///
/// All state sits behind one lock; timers run on the sender's event loop and look the call up
/// again when they fire (a call that ended meanwhile ignores them). At most `capacity` calls are
/// kept: the oldest ended call goes first, and a new call is refused when all kept calls are live.
final class CallSimulator: Sendable {
    static let capacity = 10_000

    struct Book {
        var calls: [String: SimulatedCall] = [:]
        var order: [String] = []
        var total = 0
        var eventsDelivered = 0
        var eventsFailed = 0
    }

    let sender: WebhookSender
    let ids: SimulationIDs
    let parties: Parties
    let routing: Routing
    let capacity: Int
    private let book = NIOLockedValueBox(Book())
    let endObserver = NIOLockedValueBox<(@Sendable (SimulatedCall) -> Void)?>(nil)

    init(sender: WebhookSender, ids: SimulationIDs, parties: Parties, routing: Routing, capacity: Int = CallSimulator.capacity) {
        self.sender = sender
        self.ids = ids
        self.parties = parties
        self.routing = routing
        self.capacity = capacity
    }

    var loop: EventLoop { sender.loop }

    /// Keeps `call`; false when the sandbox already keeps `capacity` live calls.
    func add(_ call: SimulatedCall) -> Bool {
        book.withLockedValue { b in
            if b.calls.count >= capacity {
                guard let index = b.order.firstIndex(where: { b.calls[$0]?.alive == false }) else { return false }
                b.calls[b.order.remove(at: index)] = nil
            }
            b.calls[call.id] = call
            b.order.append(call.id)
            b.total += 1
            return true
        }
    }

    /// Runs `body` on call `id` under the lock; nil when no such call is kept.
    func with<T>(_ id: String, _ body: (inout SimulatedCall) -> T) -> T? {
        book.withLockedValue { b in
            guard b.calls[id] != nil else { return nil }
            return body(&b.calls[id]!)
        }
    }

    func call(_ id: String) -> SimulatedCall? { book.withLockedValue { $0.calls[id] } }

    /// Adds a transcript entry to call `id`.
    func note(_ id: String, _ event: String, _ fields: [String: JSONValue] = [:]) {
        _ = with(id) { $0.transcript.add(event, fields) }
    }

    /// Runs `body` after `ms` milliseconds on the event loop.
    func after(_ ms: Int, _ body: @escaping @Sendable () -> Void) {
        if ms <= 0 {
            loop.execute(body)
        } else {
            loop.scheduleTask(in: .milliseconds(Int64(ms))) { body() }
        }
    }

    /// Sends Call Control event `type` for call `id`: the call's common payload (with its
    /// current client_state) and `extra`, through the call's queue so events keep their order.
    func emit(_ id: String, _ type: String, _ extra: [String: JSONValue] = [:]) {
        guard let (payload, destination, queue) = with(id, { call -> ([String: JSONValue], WebhookDestination, SerialQueue) in
            call.transcript.add("webhook", ["event_type": .string(type)])
            return (call.payload, call.destination, call.queue)
        }) else { return }
        var full = payload
        for (k, v) in extra { full[k] = v }
        let event = WebhookEvent(id: ids.uuid(), eventType: type, occurredAt: SimulationClock.nowISO(), payload: full)
        sender.deliver(event, to: destination, queue: queue) { [self] ok in
            book.withLockedValue { b in if ok { b.eventsDelivered += 1 } else { b.eventsFailed += 1 } }
            if !ok { note(id, "webhook_failed", ["event_type": .string(type)]) }
        }
    }

    // MARK: Lifecycle

    /// `calls.dial`: a new outgoing Call Control call toward the party at `to`. The answer's
    /// `data`, or a problem (422).
    func dial(_ body: JSONValue) -> Result<SimulatedCall, PartyError> {
        guard let to = body["to"]?.stringValue ?? body["to"]?[0]?.stringValue, let from = body["from"]?.stringValue,
            let connectionID = body["connection_id"]?.stringValue
        else { return .failure(PartyError("to, from and connection_id are required")) }
        var destination = routing.callDestination(connectionID: connectionID) ?? WebhookDestination()
        if let url = body["webhook_url"]?.stringValue { destination.url = url }
        let call = SimulatedCall(
            id: ids.callControlID(), legID: ids.uuid(), sessionID: ids.uuid(), kind: .callControl, direction: "outgoing",
            from: from, to: to, connectionID: connectionID, destination: destination,
            clientState: body["client_state"]?.stringValue, party: parties.party(to))
        guard add(call) else { return .failure(PartyError("the sandbox keeps \(capacity) live calls; hang some up first")) }
        if let commandID = body["command_id"]?.stringValue { _ = with(call.id) { $0.commandIDs.insert(commandID) } }
        note(call.id, "state", ["state": "initiated", "detail": .string("dial \(from) -> \(to)")])
        emit(call.id, "call.initiated")
        let timeout = Int(body["timeout_secs"]?.intValue ?? 30)
        ring(call.id, timeoutMs: max(timeout, 1) * 1000)
        return .success(call)
    }

    /// Starts an incoming Call Control call from `party` (the caller) to `to`; the application
    /// answers (or not) with commands.
    func inbound(from party: Party, to: String, connectionID: String, destination: WebhookDestination) -> SimulatedCall? {
        let call = SimulatedCall(
            id: ids.callControlID(), legID: ids.uuid(), sessionID: ids.uuid(), kind: .callControl, direction: "incoming",
            from: party.number, to: to, connectionID: connectionID, destination: destination, clientState: nil, party: party)
        guard add(call) else { return nil }
        note(call.id, "state", ["state": "initiated", "detail": .string("inbound \(party.number) -> \(to)")])
        emit(call.id, "call.initiated")
        // The caller gives up (or, once answered, hangs up) after hangup_after_ms.
        let id = call.id
        after(party.hangupAfterMs) { [self] in
            hangup(id, cause: self.call(id)?.state == .answered ? "normal_clearing" : "originator_cancel", source: "caller",
                   by: "the caller hung up")
        }
        return call
    }

    /// The far end of an outgoing call rings, then answers (`onAnswer` runs), stays busy, or
    /// never answers.
    func ring(_ id: String, timeoutMs: Int, onAnswer: @escaping @Sendable () -> Void = {}) {
        guard let party = with(id, { call -> Party in
            call.state = .ringing
            call.transcript.add("state", ["state": "ringing"])
            return call.party
        }) else { return }
        if party.busy {
            after(party.answerAfterMs ?? 100) { [self] in hangup(id, cause: "user_busy", source: "callee", by: "the party is busy") }
        } else if let answerAfter = party.answerAfterMs, answerAfter < timeoutMs {
            after(answerAfter) { [self] in
                guard markAnswered(id) else { return }
                let kind = call(id)?.kind
                if kind == .callControl { emit(id, "call.answered") }
                onAnswer()
                after(party.hangupAfterMs) { [self] in hangup(id, cause: "normal_clearing", source: "callee", by: "the party hung up") }
            }
        } else {
            after(timeoutMs) { [self] in hangup(id, cause: "timeout", source: "callee", by: "no answer") }
        }
    }

    /// Moves a ringing call to answered; false when it was not ringing.
    func markAnswered(_ id: String) -> Bool {
        with(id) { call -> Bool in
            guard call.state == .initiated || call.state == .ringing else { return false }
            call.state = .answered
            call.answeredMs = SimulationClock.nowMs()
            call.transcript.add("state", ["state": "answered"])
            return true
        } ?? false
    }

    /// Ends call `id` (once): a pending recording is saved, `call.hangup` is sent (Call Control)
    /// or the TeXML observer told, and a bridged call hangs up too.
    func hangup(_ id: String, cause: String, source: String, by reason: String) {
        guard let ended = with(id, { call -> SimulatedCall? in
            guard call.alive else { return nil }
            call.state = .ended
            call.endedMs = SimulationClock.nowMs()
            call.hangupCause = cause
            call.generation += 1
            call.transcript.add("state", ["state": "ended", "hangup_cause": .string(cause), "detail": .string(reason)])
            return call
        }) ?? nil else { return }
        if ended.kind == .callControl {
            if ended.recordingStartedMs != nil { saveRecording(id) }
            emit(id, "call.hangup", [
                "hangup_cause": .string(cause), "hangup_source": .string(source),
                "sip_hangup_cause": .string(cause == "user_busy" ? "486" : "200"),
                "end_time": .string(SimulationClock.iso(ended.endedMs ?? 0)),
            ])
        } else if let observer = endObserver.withLockedValue({ $0 }) {
            observer(ended)
        }
        if let other = ended.bridgedWith {
            hangup(other, cause: "normal_clearing", source: "callee", by: "the bridged call hung up")
        }
    }

    /// Sends `call.recording.saved` for a recording in progress and stops it.
    func saveRecording(_ id: String) {
        guard let started = with(id, { call -> Int64? in
            defer { call.recordingStartedMs = nil }
            return call.recordingStartedMs
        }) ?? nil else { return }
        let recordingID = ids.uuid()
        let base = "http://127.0.0.1/sandbox/recordings/\(recordingID)"
        note(id, "recording_saved", ["url": .string(base + ".mp3")])
        emit(id, "call.recording.saved", [
            "recording_urls": ["mp3": .string(base + ".mp3"), "wav": .string(base + ".wav")],
            "public_recording_urls": ["mp3": .string(base + ".mp3"), "wav": .string(base + ".wav")],
            "recording_started_at": .string(SimulationClock.iso(started)),
            "recording_ended_at": .string(SimulationClock.nowISO()), "channels": "single",
        ])
    }

    // MARK: Listing

    /// `GET /__sandbox/calls`: the kept calls, oldest first, and counters.
    var json: JSONValue {
        book.withLockedValue { b in
            let live = b.calls.values.filter(\.alive).count
            return ["data": .array(b.order.compactMap { b.calls[$0]?.summary }),
                    "meta": ["total": .int(Int64(b.total)), "kept": .int(Int64(b.calls.count)), "live": .int(Int64(live)),
                             "capacity": .int(Int64(capacity)), "events_delivered": .int(Int64(b.eventsDelivered)),
                             "events_failed": .int(Int64(b.eventsFailed))]]
        }
    }

    /// `GET /__sandbox/calls/{id}/transcript`.
    func transcript(_ id: String) -> JSONValue? {
        with(id) { call in
            var summary = call.summary.objectValue ?? [:]
            summary["entries"] = .array(call.transcript.entries)
            summary["dropped_entries"] = .int(Int64(call.transcript.dropped))
            return ["data": .object(summary)]
        }
    }

    func reset() { book.withLockedValue { $0 = Book() } }
}
