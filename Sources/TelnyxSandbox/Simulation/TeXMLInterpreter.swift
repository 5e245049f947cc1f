import NIOConcurrencyHelpers
import NIOHTTP1
import Telnyx

/// TeXML calls: fetches the document (the application's `voice_url` or the request's `Url`,
/// with its method and the standard form fields, signed), follows its verbs (TeXMLVerbs.swift)
/// and sends status callbacks (initiated, ringing, answered, completed with CallDuration).
/// A fetch that fails (after the application's `voice_fallback_url`) or a document that does
/// not parse ends the call; the transcript says why.
final class TeXMLInterpreter: Sendable {
    /// What a TeXML call needs besides the call record.
    struct Context: Sendable {
        var accountSid: String
        var applicationID: String
        var url: String
        var method: String
        var fallbackURL: String?
        var statusCallback: String?
        var statusCallbackMethod: String
        var statusEvents: Set<String>
        var sequence = 0
        /// The URL of the document being followed (relative URLs resolve against it).
        var documentURL: String
        /// Documents fetched so far for the call.
        var fetches = 0
    }

    static let timeoutSeconds = 10
    /// Documents one call may fetch: a Redirect loop ends the call instead of hammering the URL.
    static let maxFetches = 100
    let calls: CallSimulator
    let contexts = NIOLockedValueBox<[String: Context]>([:])

    init(calls: CallSimulator) {
        self.calls = calls
        calls.endObserver.withLockedValue { observer in
            observer = { [weak self] call in self?.ended(call) }
        }
    }

    var sender: WebhookSender { calls.sender }

    // MARK: Starting calls

    /// `texml.accounts.calls.calls`: an outgoing call to the party at `To`; once it answers,
    /// `Url` (or the application's voice_url) is fetched and followed.
    func create(accountSid: String, body: JSONValue, fallback: () -> Reply) -> Reply {
        // Without a document to follow there is nothing to simulate: the store's answer as before.
        let appID = body["ApplicationSid"]?.stringValue ?? ""
        let app = calls.routing.texmlApplication(appID) ?? [:]
        guard let to = body["To"]?.stringValue, let from = body["From"]?.stringValue,
            let url = body["Url"]?.stringValue ?? app["voice_url"]?.stringValue
        else { return fallback() }
        var events = Set((body["StatusCallbackEvent"]?.stringValue ?? "initiated ringing answered completed").split(separator: " ").map(String.init))
        if events.isEmpty { events = ["completed"] }
        let context = Context(
            accountSid: accountSid, applicationID: appID, url: url,
            method: body["Method"]?.stringValue ?? app["voice_method"]?.stringValue ?? "POST",
            fallbackURL: body["FallbackUrl"]?.stringValue ?? app["voice_fallback_url"]?.stringValue,
            statusCallback: body["StatusCallback"]?.stringValue ?? app["status_callback"]?.stringValue,
            statusCallbackMethod: body["StatusCallbackMethod"]?.stringValue ?? app["status_callback_method"]?.stringValue ?? "POST",
            statusEvents: events, documentURL: url)
        let call = SimulatedCall(
            id: calls.ids.callSid(), legID: calls.ids.uuid(), sessionID: calls.ids.uuid(), kind: .texml, direction: "outgoing",
            from: from, to: to, connectionID: appID, destination: WebhookDestination(), clientState: nil,
            party: calls.parties.party(to))
        guard calls.add(call) else {
            return .error(429, code: "10011", title: "Too many calls", detail: "The sandbox keeps no more live calls.")
        }
        let id = call.id
        contexts.withLockedValue { $0[id] = context }
        calls.note(id, "state", ["state": "initiated", "detail": .string("TeXML call \(from) -> \(to)")])
        status(id, "initiated")
        let timeout = Int(body["Timeout"]?.intValue ?? Int64(body["Timeout"]?.stringValue ?? "") ?? 30)
        calls.ring(id, timeoutMs: max(timeout, 1) * 1000) { [self] in
            status(id, "answered")
            fetch(id, url: url, method: context.method, params: [], firstFetch: true)
        }
        status(id, "ringing")
        var out = (try? JSONValue.parse(fallback().body))?.objectValue ?? [:]
        for (k, v) in ["from": JSONValue.string(from), "to": .string(to), "status": "queued", "call_sid": .string(id), "sid": .string(id)] {
            out[k] = v
        }
        return .json(200, .object(out))
    }

    /// A call from `party` to a number of TeXML application `application`: the voice_url is
    /// fetched at once; the call is answered when the document does something other than Reject.
    func inbound(from party: Party, to: String, application: [String: JSONValue], applicationID: String) -> SimulatedCall? {
        let url = application["voice_url"]?.stringValue ?? ""
        let context = Context(
            accountSid: applicationID, applicationID: applicationID, url: url,
            method: application["voice_method"]?.stringValue?.uppercased() ?? "POST",
            fallbackURL: application["voice_fallback_url"]?.stringValue,
            statusCallback: application["status_callback"]?.stringValue,
            statusCallbackMethod: application["status_callback_method"]?.stringValue?.uppercased() ?? "POST",
            statusEvents: ["initiated", "ringing", "answered", "completed"], documentURL: url)
        let call = SimulatedCall(
            id: calls.ids.callSid(), legID: calls.ids.uuid(), sessionID: calls.ids.uuid(), kind: .texml, direction: "incoming",
            from: party.number, to: to, connectionID: applicationID, destination: WebhookDestination(), clientState: nil,
            party: party)
        guard calls.add(call) else { return nil }
        let id = call.id
        contexts.withLockedValue { $0[id] = context }
        calls.note(id, "state", ["state": "initiated", "detail": .string("inbound TeXML call \(party.number) -> \(to)")])
        status(id, "initiated")
        _ = calls.with(id) { $0.state = .ringing }
        status(id, "ringing")
        fetch(id, url: url, method: context.method, params: [], firstFetch: true)
        calls.after(party.hangupAfterMs) { [self] in
            calls.hangup(id, cause: calls.call(id)?.state == .answered ? "normal_clearing" : "originator_cancel",
                         source: "caller", by: "the caller hung up")
        }
        return call
    }

    // MARK: Requests

    /// The standard fields of every TeXML request about call `call`.
    func standardFields(_ call: SimulatedCall, _ context: Context, status: String) -> [(String, String)] {
        [("AccountSid", context.accountSid), ("ApiVersion", "2010-04-01"), ("CallSid", call.id), ("CallSessionId", call.sessionID),
         ("From", call.from), ("To", call.to), ("CallStatus", status),
         ("Direction", call.direction == "incoming" ? "inbound" : "outbound-api"), ("ApplicationSid", context.applicationID)]
    }

    /// The CallStatus of a call now.
    func callStatus(_ call: SimulatedCall) -> String {
        switch call.state {
        case .initiated: return "queued"
        case .ringing: return "ringing"
        case .answered: return "in-progress"
        case .ended:
            if call.answeredMs != nil { return "completed" }
            switch call.hangupCause {
            case "user_busy": return "busy"
            case "timeout": return "no-answer"
            case "originator_cancel": return "canceled"
            // <Reject> (reason rejected) ends an unanswered call as no-answer; reason busy as busy.
            case "call_rejected": return "no-answer"
            default: return "failed"
            }
        }
    }

    /// Sends one signed form request through the call's queue; `then` gets the answer.
    func request(_ id: String, url: String, method: String, fields: [(String, String)],
                 then: @escaping @Sendable (WebhookSender.Exchange) -> Void) {
        guard let queue = calls.call(id)?.queue else { return }
        let form = formEncode(fields)
        let isGet = method.uppercased() == "GET"
        let target = isGet ? url + (url.contains(text: "?") ? "&" : "?") + form : url
        let sender = self.sender
        queue.enqueue { done in
            sender.send(url: target, method: isGet ? .GET : .POST, body: isGet ? [] : Array(form.utf8),
                        contentType: isGet ? nil : "application/x-www-form-urlencoded", timeoutSeconds: Self.timeoutSeconds) { exchange, _ in
                done()
                then(exchange)
            }
        }
    }

    /// A status callback for `event` (initiated, ringing, answered, completed), when asked for.
    func status(_ id: String, _ event: String, extra: [(String, String)] = []) {
        guard let call = calls.call(id), let context = contexts.withLockedValue({ all -> Context? in
            all[id]?.sequence += 1
            return all[id]
        }), let url = context.statusCallback, context.statusEvents.contains(event) else { return }
        var fields = standardFields(call, context, status: event == "answered" ? "in-progress" : event == "completed" ? callStatus(call) : event)
        fields += [("StatusCallbackEvent", event), ("CallbackSource", "call-progress-events"),
                   ("SequenceNumber", String(context.sequence - 1)), ("Timestamp", SimulationClock.nowISO())]
        fields += extra
        calls.note(id, "status_callback", ["status": .string(event), "url": .string(url)])
        request(id, url: url, method: context.statusCallbackMethod, fields: fields) { [self] exchange in
            if !exchange.ok { calls.note(id, "status_callback_failed", ["url": .string(url), "detail": .string(exchange.summary)]) }
        }
    }

    /// Fetches a document and follows it; on failure tries the fallback URL (first fetch only),
    /// then ends the call.
    func fetch(_ id: String, url: String, method: String, params: [(String, String)], firstFetch: Bool = false) {
        guard let call = calls.call(id), call.alive, let context = contexts.withLockedValue({ $0[id] }) else { return }
        let resolved = resolve(url, against: context.documentURL)
        let fetches = contexts.withLockedValue { table -> Int in
            table[id]?.fetches += 1
            return table[id]?.fetches ?? 0
        }
        guard fetches <= Self.maxFetches else {
            calls.note(id, "error", ["url": .string(resolved), "detail": .string("more than \(Self.maxFetches) documents fetched (a Redirect loop?)")])
            return calls.hangup(id, cause: "normal_clearing", source: "unknown", by: "too many TeXML documents fetched")
        }
        let fields = standardFields(call, context, status: callStatus(call)) + params
        calls.note(id, "fetch", ["url": .string(resolved), "method": .string(method.uppercased())])
        request(id, url: resolved, method: method, fields: fields) { [self] exchange in
            guard calls.call(id)?.alive == true else { return }
            guard exchange.ok else {
                calls.note(id, "error", ["url": .string(resolved), "detail": .string("fetch failed: \(exchange.summary)")])
                if firstFetch, let fallback = context.fallbackURL, !fallback.isEmpty, fallback != resolved {
                    contexts.withLockedValue { $0[id]?.fallbackURL = nil }
                    return fetch(id, url: fallback, method: "POST", params: params)
                }
                return calls.hangup(id, cause: "normal_clearing", source: "unknown", by: "TeXML fetch failed: \(exchange.summary)")
            }
            do throws(XMLParseError) {
                let root = try MiniXML.parse(exchange.body)
                guard root.name == "Response" else {
                    throw XMLParseError(message: "the root element is <\(root.name)>, not <Response>", offset: 0)
                }
                contexts.withLockedValue { $0[id]?.documentURL = resolved }
                calls.note(id, "document", ["url": .string(resolved), "verbs": .int(Int64(root.children.count))])
                run(id, verbs: root.children[...])
            } catch {
                calls.note(id, "error", ["url": .string(resolved), "detail": .string("TeXML did not parse: \(error.message) at byte \(error.offset)")])
                calls.hangup(id, cause: "normal_clearing", source: "unknown", by: "TeXML document did not parse")
            }
        }
    }

    /// `url` made absolute against `base` (`/path` and relative paths).
    func resolve(_ url: String, against base: String) -> String {
        if url.hasPrefix("http://") || url.hasPrefix("https://") || url.isEmpty { return url.isEmpty ? base : url }
        guard let schemeEnd = base.range(ofText: "://") else { return url }
        let afterScheme = base[schemeEnd.upperBound...]
        let hostEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        let origin = String(base[..<hostEnd])
        if url.hasPrefix("/") { return origin + url }
        let path = base[hostEnd...].split(separator: "?").first.map(String.init) ?? "/"
        let directory = path.hasSuffix("/") ? path : String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) + "/"
        return origin + directory + url
    }

    /// The end of a TeXML call: the completed (or busy, no-answer...) status callback.
    private func ended(_ call: SimulatedCall) {
        let duration = call.answeredMs.map { ((call.endedMs ?? $0) - $0) / 1000 } ?? 0
        status(call.id, "completed", extra: [("CallDuration", String(duration))])
        contexts.withLockedValue { $0[call.id] = nil }
    }
}

/// `application/x-www-form-urlencoded` text of `fields`.
func formEncode(_ fields: [(String, String)]) -> String {
    func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "*"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "): out += "+"
            default: out += "%" + hex(UInt64(byte), width: 2).uppercased()
            }
        }
        return out
    }
    return fields.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
}
