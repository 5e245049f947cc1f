import Telnyx

/// The life of a simulated call. `ended` is final: commands on it are refused (90018).
enum CallState: String, Sendable {
    case initiated, ringing, answered, ended
}

/// Which engine drives a call: Call Control commands from the application, or a TeXML document.
enum CallKind: String, Sendable {
    case callControl = "call_control"
    case texml
}

/// One simulated call, kept by `CallSimulator` under its lock.
struct SimulatedCall: Sendable {
    /// The call_control_id (Call Control) or CallSid (TeXML).
    let id: String
    let legID: String
    let sessionID: String
    let kind: CallKind
    /// `outgoing` (dialled by the application) or `incoming`.
    let direction: String
    let from: String
    let to: String
    let connectionID: String
    var destination: WebhookDestination
    var clientState: String?
    var state: CallState = .initiated
    /// The far end: the dialled number's party, or the caller's on an inbound call.
    var party: Party
    let startedMs: Int64
    var answeredMs: Int64?
    var endedMs: Int64?
    var hangupCause: String?
    var commandIDs: Set<String> = []
    var transcript: Transcript
    var recordingStartedMs: Int64?
    var bridgedWith: String?
    /// Bumped whenever a gather or prompt starts, so a stale timer of an older one does nothing.
    var generation = 0
    let queue = SerialQueue()

    init(id: String, legID: String, sessionID: String, kind: CallKind, direction: String, from: String, to: String,
         connectionID: String, destination: WebhookDestination, clientState: String?, party: Party) {
        self.id = id
        self.legID = legID
        self.sessionID = sessionID
        self.kind = kind
        self.direction = direction
        self.from = from
        self.to = to
        self.connectionID = connectionID
        self.destination = destination
        self.clientState = clientState
        self.party = party
        startedMs = SimulationClock.nowMs()
        transcript = Transcript(startedMs: startedMs)
    }

    var alive: Bool { state != .ended }

    /// The fields every call event's payload carries.
    var payload: [String: JSONValue] {
        var out: [String: JSONValue] = [
            "call_control_id": .string(id), "call_leg_id": .string(legID), "call_session_id": .string(sessionID),
            "connection_id": .string(connectionID), "from": .string(from), "to": .string(to),
            "direction": .string(direction), "state": .string(eventState),
            "start_time": .string(SimulationClock.iso(startedMs)),
        ]
        if let clientState { out["client_state"] = .string(clientState) }
        return out
    }

    /// `state` as events name it.
    private var eventState: String {
        switch state {
        case .initiated, .ringing: return direction == "incoming" ? "parked" : "bridging"
        case .answered: return "answered"
        case .ended: return "hangup"
        }
    }

    /// The call as `GET /__sandbox/calls` lists it.
    var summary: JSONValue {
        var out: [String: JSONValue] = [
            "id": .string(id), "kind": .string(kind.rawValue), "direction": .string(direction), "from": .string(from),
            "to": .string(to), "connection_id": .string(connectionID), "state": .string(state.rawValue),
            "started_at": .string(SimulationClock.iso(startedMs)),
        ]
        out[kind == .texml ? "call_sid" : "call_control_id"] = .string(id)
        if let answeredMs { out["answered_at"] = .string(SimulationClock.iso(answeredMs)) }
        if let endedMs { out["ended_at"] = .string(SimulationClock.iso(endedMs)) }
        if let hangupCause { out["hangup_cause"] = .string(hangupCause) }
        return .object(out)
    }
}
