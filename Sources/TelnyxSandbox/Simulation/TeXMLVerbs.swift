import Telnyx

/// The verbs of a TeXML document, followed one after another on the event loop:
/// Say, Play, Pause, Gather (the party's digits and speech, posted to `action`), Redirect,
/// Record (its action and recordingStatusCallback), Dial (the dialled party's behaviour, then
/// `action` with DialCallStatus), Reject and Hangup. The end of the document hangs up.
extension TeXMLInterpreter {
    /// Follows `verbs` from the first; each verb's end starts the next.
    func run(_ id: String, verbs: ArraySlice<XMLElement>) {
        guard let verb = verbs.first else {
            calls.hangup(id, cause: "normal_clearing", source: "caller", by: "end of the TeXML document")
            return
        }
        guard let call = calls.call(id), call.alive else { return }
        let rest = verbs.dropFirst()
        let next: @Sendable (Int) -> Void = { [self] ms in
            calls.after(ms) { [self] in
                guard calls.call(id)?.alive == true else { return }
                run(id, verbs: rest)
            }
        }
        if verb.name != "Reject" && verb.name != "Hangup", call.state != .answered, calls.markAnswered(id) {
            status(id, "answered")
        }
        switch verb.name {
        case "Say", "Play", "Pause":
            next(prompt(id, verb))
        case "Gather":
            gather(id, verb, next: next)
        case "Redirect":
            calls.note(id, "verb", ["verb": "Redirect", "url": .string(verb.text)])
            fetch(id, url: verb.text, method: verb.attribute("method") ?? "POST", params: [])
        case "Record":
            record(id, verb, next: next)
        case "Dial":
            dial(id, verb, next: next)
        case "Reject":
            let reason = verb.attribute("reason") ?? "rejected"
            calls.note(id, "verb", ["verb": "Reject", "detail": .string(reason)])
            calls.hangup(id, cause: reason == "busy" ? "user_busy" : "call_rejected", source: "callee", by: "Reject")
        case "Hangup":
            calls.note(id, "verb", ["verb": "Hangup"])
            calls.hangup(id, cause: "normal_clearing", source: "caller", by: "Hangup")
        default:
            calls.note(id, "verb", ["verb": .string(verb.name), "detail": "not simulated; skipped"])
            next(0)
        }
    }

    /// Notes a Say, Play or Pause and returns how long it takes.
    func prompt(_ id: String, _ verb: XMLElement) -> Int {
        let loops = max(1, min(Int(verb.attribute("loop") ?? "1") ?? 1, 10))
        switch verb.name {
        case "Say":
            calls.note(id, "verb", ["verb": "Say", "text": .string(verb.text), "voice": verb.attribute("voice").map { .string($0) } ?? .null])
            return CallSimulator.speakMs(verb.text) * loops
        case "Play":
            calls.note(id, "verb", ["verb": "Play", "url": .string(verb.text)])
            return CallSimulator.playbackMs * loops
        case "Pause":
            let seconds = min(max(Int(verb.attribute("length") ?? "1") ?? 1, 0), 60)
            calls.note(id, "verb", ["verb": "Pause", "length": .int(Int64(seconds))])
            return seconds * 1000
        default:
            return 0
        }
    }

    /// Gather: its Say/Play/Pause prompts, then the party's digits (and speech when `input`
    /// asks for it). With input, `action` (else the current document) is fetched with Digits;
    /// without, the next verb runs.
    private func gather(_ id: String, _ verb: XMLElement, next: @escaping @Sendable (Int) -> Void) {
        calls.note(id, "verb", ["verb": "Gather", "url": verb.attribute("action").map { .string($0) } ?? .null])
        var promptMs = 0
        for child in verb.children { promptMs += prompt(id, child) }
        guard let party = calls.call(id)?.party else { return }
        let finish = verb.attribute("finishOnKey") ?? "#"
        let maximum = Int(verb.attribute("numDigits") ?? "") ?? 128
        let input = (verb.attribute("input") ?? "dtmf").lowercased()
        var digits = ""
        if input.contains(text: "dtmf") {
            for c in party.digits {
                if String(c) == finish || digits.count >= maximum { break }
                if c != "w" { digits.append(c) }
            }
        }
        let speech = input.contains(text: "speech") ? party.speech : ""
        let kept = digits
        calls.after(promptMs + CallSimulator.digitsMs) { [self] in
            guard calls.call(id)?.alive == true else { return }
            guard !kept.isEmpty || !speech.isEmpty else {
                calls.note(id, "gather_timeout")
                return next(0)
            }
            var params: [(String, String)] = []
            if !kept.isEmpty {
                calls.note(id, "digits", ["digits": .string(kept)])
                params.append(("Digits", kept))
            }
            if !speech.isEmpty {
                calls.note(id, "speech", ["text": .string(speech)])
                params += [("SpeechResult", speech), ("Confidence", "0.9")]
            }
            let action = verb.attribute("action") ?? contexts.withLockedValue { $0[id]?.documentURL } ?? ""
            fetch(id, url: action, method: verb.attribute("method") ?? "POST", params: params)
        }
    }

    /// Record: a short recording (half a second, or maxLength if shorter), then its
    /// recordingStatusCallback and its action (else the next verb).
    private func record(_ id: String, _ verb: XMLElement, next: @escaping @Sendable (Int) -> Void) {
        let maxLength = Int(verb.attribute("maxLength") ?? "3600") ?? 3600
        let ms = min(500, max(maxLength, 1) * 1000)
        calls.note(id, "verb", ["verb": "Record", "max_length": .int(Int64(maxLength))])
        calls.after(ms) { [self] in
            guard let call = calls.call(id), call.alive, let context = contexts.withLockedValue({ $0[id] }) else { return }
            let sid = calls.ids.uuid()
            let url = "http://127.0.0.1/sandbox/recordings/\(sid).mp3"
            let fields = [("RecordingSid", sid), ("RecordingUrl", url), ("RecordingDuration", String(ms / 1000)),
                          ("RecordingStatus", "completed")]
            calls.note(id, "recording_saved", ["url": .string(url)])
            if let callback = verb.attribute("recordingStatusCallback") {
                let method = verb.attribute("recordingStatusCallbackMethod") ?? "POST"
                calls.note(id, "recording_status_callback", ["url": .string(callback)])
                request(id, url: resolve(callback, against: context.documentURL), method: method,
                        fields: standardFields(call, context, status: callStatus(call)) + fields) { _ in }
            }
            if let action = verb.attribute("action") {
                fetch(id, url: action, method: verb.attribute("method") ?? "POST", params: fields)
            } else {
                next(0)
            }
        }
    }

    /// Dial: the dialled party answers (and talks until it hangs up), is busy, or does not
    /// answer within `timeout`; then `action` with DialCallStatus, or the next verb.
    private func dial(_ id: String, _ verb: XMLElement, next: @escaping @Sendable (Int) -> Void) {
        let target = verb.children.first?.text ?? verb.text
        let party = calls.parties.party(target)
        let timeoutMs = (Int(verb.attribute("timeout") ?? "30") ?? 30) * 1000
        let dialSid = calls.ids.callSid()
        calls.note(id, "verb", ["verb": "Dial", "to": .string(target)])
        let outcome: (status: String, afterMs: Int, talkMs: Int)
        if party.busy {
            outcome = ("busy", party.answerAfterMs ?? 100, 0)
        } else if let answer = party.answerAfterMs, answer < timeoutMs {
            let limit = (Int(verb.attribute("timeLimit") ?? "14400") ?? 14400) * 1000
            outcome = ("completed", answer, min(party.hangupAfterMs, limit))
        } else {
            outcome = ("no-answer", timeoutMs, 0)
        }
        calls.after(outcome.afterMs) { [self] in
            guard calls.call(id)?.alive == true else { return }
            if outcome.status == "completed" { calls.note(id, "dial_answered", ["to": .string(target)]) }
            calls.after(outcome.talkMs) { [self] in
                guard calls.call(id)?.alive == true else { return }
                calls.note(id, "dial_ended", ["to": .string(target), "status": .string(outcome.status)])
                guard let action = verb.attribute("action") else { return next(0) }
                fetch(id, url: action, method: verb.attribute("method") ?? "POST", params: [
                    ("DialCallStatus", outcome.status), ("DialCallSid", dialSid),
                    ("DialCallDuration", String(outcome.talkMs / 1000)),
                ])
            }
        }
    }
}
