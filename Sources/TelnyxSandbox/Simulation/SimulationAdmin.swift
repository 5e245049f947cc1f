import Telnyx

/// The admin endpoints of the simulation (loopback only, like every `/__sandbox/` endpoint):
///
/// - `GET /__sandbox/public_key`: `{"public_key": base64 of the 32 raw Ed25519 bytes}`.
/// - `POST /__sandbox/parties` (a `Party`), `GET /__sandbox/parties`.
/// - `GET /__sandbox/calls`, `GET /__sandbox/calls/{id}/transcript`.
/// - `POST /__sandbox/calls/inbound` {"from", "to", party members..., "webhook_url"?}.
/// - `POST /__sandbox/messages/inbound` {"from", "to", "text", "media_urls"?, "webhook_url"?}.
extension Simulation {
    /// The answer to an admin request, or nil when the path is not the simulation's.
    func admin(_ method: String, _ path: String, body: JSONValue?) -> Reply? {
        func malformed() -> Reply { .error(400, code: "10015", title: "Malformed JSON", detail: "The body is not a JSON object.") }
        func invalid(_ message: String) -> Reply { .error(422, code: "10015", title: "Invalid request", detail: message) }
        switch (method, path) {
        case ("GET", "/__sandbox/public_key"):
            return .json(200, ["public_key": .string(key.publicKeyBase64)])
        case ("GET", "/__sandbox/parties"):
            return .json(200, ["data": .array(parties.all.map(\.json))])
        case ("POST", "/__sandbox/parties"):
            guard let body, body.objectValue != nil else { return malformed() }
            switch parties.describe(body) {
            case .failure(let problem): return invalid(problem.message)
            case .success(let party): return .json(200, ["data": party.json])
            }
        case ("GET", "/__sandbox/calls"):
            return .json(200, engine?.calls.json ?? ["data": [], "meta": ["total": 0]])
        case ("POST", "/__sandbox/calls/inbound"):
            guard let body, body.objectValue != nil else { return malformed() }
            return inboundCall(body)
        case ("POST", "/__sandbox/messages/inbound"):
            guard let body, body.objectValue != nil else { return malformed() }
            guard let engine else { return invalid("the simulation is not running") }
            switch engine.messaging.inbound(body) {
            case .failure(let problem):
                return problem.status == 404 ? .notFound(problem.message) : invalid(problem.message)
            case .success(let data): return .json(200, ["data": data])
            }
        default:
            let parts = path.split(separator: "/")
            if method == "GET", parts.count == 4, parts[1] == "calls", parts[3] == "transcript" {
                let id = String(parts[2]).removingPercentEncodingIfAny
                guard let transcript = engine?.calls.transcript(id) else { return .notFound("No simulated call '\(id)'.") }
                return .json(200, transcript)
            }
            return nil
        }
    }

    /// Starts an inbound call toward whatever owns `to`: the body's `webhook_url` (Call
    /// Control), else the number's connection: a TeXML application, or a Call Control
    /// application with a `webhook_event_url`.
    private func inboundCall(_ body: JSONValue) -> Reply {
        guard let engine else { return .error(422, code: "10015", title: "Invalid request", detail: "the simulation is not running") }
        guard let from = body["from"]?.stringValue, let to = body["to"]?.stringValue, !from.isEmpty, !to.isEmpty else {
            return .error(422, code: "10015", title: "Invalid request", detail: "from and to are required strings")
        }
        let party: Party
        switch Party.parse(body, over: parties.party(from)) {
        case .failure(let problem): return .error(422, code: "10015", title: "Invalid request", detail: problem.message)
        case .success(let parsed): party = parsed
        }
        let record = routing.numberRecord(to)
        let connectionID = body["connection_id"]?.stringValue ?? record?["connection_id"]?.stringValue
        if let url = body["webhook_url"]?.stringValue {
            let destination = WebhookDestination(url: url, failoverURL: body["webhook_failover_url"]?.stringValue)
            return started(engine.calls.inbound(from: party, to: to, connectionID: connectionID ?? "sandbox", destination: destination))
        }
        guard let connectionID else {
            return .notFound("\(to) is not a phone number of the sandbox (and the body gives no webhook_url)")
        }
        if let app = routing.texmlApplication(connectionID) {
            return started(engine.texml.inbound(from: party, to: to, application: app, applicationID: connectionID))
        }
        if let destination = routing.callDestination(connectionID: connectionID) {
            return started(engine.calls.inbound(from: party, to: to, connectionID: connectionID, destination: destination))
        }
        return .error(422, code: "10015", title: "Invalid request",
                      detail: "\(to) belongs to connection \(connectionID), which is neither a TeXML application nor a Call Control application created in this sandbox")
    }

    private func started(_ call: SimulatedCall?) -> Reply {
        guard let call else { return .error(429, code: "10011", title: "Too many calls", detail: "The sandbox keeps no more live calls.") }
        return .json(200, ["data": call.summary])
    }
}

extension String {
    /// The text with `%XX` escapes decoded (ids in admin paths may be percent-encoded: `v3%3A...`).
    var removingPercentEncodingIfAny: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let h = iterator.next(), let l = iterator.next(),
                let value = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
