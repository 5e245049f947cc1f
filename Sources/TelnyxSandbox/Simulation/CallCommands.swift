import Telnyx

/// What became of a Call Control command.
enum CommandOutcome: Sendable {
    /// Not a simulated call: the sandbox answers from the schema as before.
    case unknownCall
    /// The call has ended: Telnyx's 422 with code 90018.
    case ended
    /// A problem with the command (422).
    case invalid(String)
    /// Done (or ignored as a repeat of its command_id): `{"data": {"result": "ok"}}`.
    case ok
}

/// Call Control commands (`POST /calls/{call_control_id}/actions/{action}`) on simulated calls:
/// each changes the call and sends the events Telnyx documents for it.
///
/// | action | events |
/// |---|---|
/// | answer | call.answered |
/// | speak | call.speak.started, call.speak.ended |
/// | playback_start | call.playback.started, call.playback.ended |
/// | gather_using_speak, gather_using_audio, gather | call.dtmf.received per digit, call.gather.ended |
/// | record_start / record_stop | call.recording.saved (at stop or hangup) |
/// | transfer | call.bridged once the new party answers |
/// | bridge | call.bridged on both calls |
/// | hangup, reject | call.hangup |
extension CallSimulator {
    /// How long saying `text` takes: 10 ms a character, 50 ms to 2 s.
    static func speakMs(_ text: String) -> Int { min(max(text.count * 10, 50), 2000) }
    /// How long a playback lasts.
    static let playbackMs = 200
    /// How long the party takes to press its digits after a prompt.
    static let digitsMs = 50

    /// Runs `action` on call `id` with the request `body`.
    func command(_ action: String, on id: String, body: JSONValue?) -> CommandOutcome {
        let body = body ?? .object([:])
        enum Gate { case unknown, ended, repeated, wrongKind, run }
        let gate = with(id) { call -> Gate in
            guard call.kind == .callControl else { return .wrongKind }
            guard call.alive else { return .ended }
            if let commandID = body["command_id"]?.stringValue {
                if call.commandIDs.contains(commandID) { return .repeated }
                if call.commandIDs.count < 1000 { call.commandIDs.insert(commandID) }
            }
            if let state = body["client_state"]?.stringValue { call.clientState = state }
            return .run
        } ?? .unknown
        switch gate {
        case .unknown: return .unknownCall
        case .ended: return .ended
        case .wrongKind: return .invalid("call \(id) is driven by TeXML, not Call Control commands")
        case .repeated:
            note(id, "command_ignored", ["name": .string(action), "detail": "repeated command_id"])
            return .ok
        case .run: return run(action, id: id, body: body)
        }
    }

    private func run(_ action: String, id: String, body: JSONValue) -> CommandOutcome {
        switch action {
        case "answer":
            note(id, "command", ["name": "answer"])
            guard call(id)?.direction == "incoming", markAnswered(id) else { return .invalid("the call is not waiting to be answered") }
            emit(id, "call.answered")
        case "speak":
            let text = body["payload"]?.stringValue ?? ""
            note(id, "speak", ["text": .string(text), "voice": body["voice"] ?? .null])
            emit(id, "call.speak.started")
            after(Self.speakMs(text)) { [self] in
                guard call(id)?.alive == true else { return }
                emit(id, "call.speak.ended", ["status": "completed"])
            }
        case "playback_start":
            let url = body["audio_url"]?.stringValue ?? body["media_name"]?.stringValue ?? ""
            note(id, "playback", ["url": .string(url)])
            emit(id, "call.playback.started", ["media_url": .string(url)])
            after(Self.playbackMs) { [self] in
                guard call(id)?.alive == true else { return }
                emit(id, "call.playback.ended", ["media_url": .string(url), "status": "completed"])
            }
        case "gather_using_speak", "gather_using_audio", "gather":
            var promptMs = 0
            if action == "gather_using_speak" {
                let text = body["payload"]?.stringValue ?? ""
                note(id, "speak", ["text": .string(text), "detail": "gather prompt"])
                promptMs = Self.speakMs(text)
            } else if action == "gather_using_audio" {
                note(id, "playback", ["url": .string(body["audio_url"]?.stringValue ?? ""), "detail": "gather prompt"])
                promptMs = Self.playbackMs
            }
            gather(id, body: body, afterMs: promptMs)
        case "send_dtmf":
            note(id, "send_dtmf", ["digits": .string(body["digits"]?.stringValue ?? "")])
        case "record_start":
            note(id, "record_start", ["format": body["format"] ?? "mp3"])
            _ = with(id) { $0.recordingStartedMs = $0.recordingStartedMs ?? SimulationClock.nowMs() }
        case "record_stop":
            note(id, "record_stop")
            saveRecording(id)
        case "transfer":
            guard let to = body["to"]?.stringValue else { return .invalid("to is required") }
            transfer(id, to: to)
        case "bridge":
            guard let other = body["call_control_id"]?.stringValue else { return .invalid("call_control_id is required") }
            guard other != id, call(other)?.alive == true, call(other)?.kind == .callControl else {
                return .invalid("call \(other) is not a live simulated call")
            }
            _ = with(id) { $0.bridgedWith = other }
            _ = with(other) { $0.bridgedWith = id }
            note(id, "bridge", ["with": .string(other)])
            note(other, "bridge", ["with": .string(id)])
            emit(id, "call.bridged")
            emit(other, "call.bridged")
        case "hangup":
            note(id, "command", ["name": "hangup"])
            hangup(id, cause: "normal_clearing", source: "caller", by: "hangup command")
        case "reject":
            note(id, "command", ["name": "reject", "detail": .string(body["cause"]?.stringValue ?? "CALL_REJECTED")])
            guard call(id)?.state != .answered else { return .invalid("an answered call cannot be rejected") }
            hangup(id, cause: body["cause"]?.stringValue == "USER_BUSY" ? "user_busy" : "call_rejected", source: "callee",
                   by: "reject command")
        case "client_state_update":
            note(id, "command", ["name": "client_state_update"])
        default:
            note(id, "command", ["name": .string(action)])
        }
        return .ok
    }

    /// The party presses its digits: `call.dtmf.received` for each kept digit, then
    /// `call.gather.ended` with status valid, invalid (fewer than minimum_digits) or timeout (none).
    private func gather(_ id: String, body: JSONValue, afterMs: Int) {
        guard let (party, generation) = with(id, { call -> (Party, Int) in
            call.generation += 1
            return (call.party, call.generation)
        }) else { return }
        let valid = body["valid_digits"]?.stringValue ?? "0123456789*#"
        let terminator = body["terminating_digit"]?.stringValue ?? "#"
        let maximum = Int(body["maximum_digits"]?.intValue ?? 128)
        let minimum = Int(body["minimum_digits"]?.intValue ?? 1)
        var digits = ""
        for c in party.digits {
            if String(c) == terminator || digits.count >= maximum { break }
            if valid.contains(c) { digits.append(c) }
        }
        let status = digits.isEmpty ? "timeout" : digits.count < minimum ? "invalid" : "valid"
        let kept = digits
        after(afterMs + Self.digitsMs) { [self] in
            guard call(id).map({ $0.alive && $0.generation == generation }) == true else { return }
            if !kept.isEmpty { note(id, "digits", ["digits": .string(kept)]) }
            for digit in kept { emit(id, "call.dtmf.received", ["digit": .string(String(digit))]) }
            emit(id, "call.gather.ended", ["digits": .string(kept), "status": .string(status)])
        }
    }

    /// Transfers the call to the party at `to`: `call.bridged` when it answers; when it is busy
    /// or never answers, the transcript says so and the call stays as it was.
    private func transfer(_ id: String, to: String) {
        let party = parties.party(to)
        note(id, "transfer", ["to": .string(to)])
        guard !party.busy, let answerAfter = party.answerAfterMs else {
            after(party.answerAfterMs ?? 100) { [self] in note(id, "transfer_failed", ["to": .string(to), "detail": party.busy ? "busy" : "no answer"]) }
            return
        }
        after(answerAfter) { [self] in
            guard call(id)?.alive == true else { return }
            note(id, "transfer_answered", ["to": .string(to)])
            emit(id, "call.bridged", ["to": .string(to)])
        }
    }
}
