import Telnyx

/// The loopback-only admin endpoints under `/__sandbox/`: fault settings, the request log and
/// counters, and reset. They skip auth, faults and the log, so observing never disturbs.
extension SandboxCore {
    func admin(_ request: IncomingRequest) -> Reply {
        guard request.fromLoopback else {
            return .error(403, code: "10010", title: "Forbidden", detail: "The admin endpoints answer loopback clients only.")
        }
        let body = request.body.isEmpty ? JSONValue.object([:]) : (try? JSONValue.parse(request.body))
        switch (request.method, request.path) {
        case ("GET", "/__sandbox/config"):
            return .json(200, configJSON)
        case ("POST", "/__sandbox/config"):
            guard var body else { return .error(400, code: "10015", title: "Malformed JSON", detail: "The body is not JSON.") }
            // `webhooks`: the simulation's delivery settings and faults (Simulation/WebhookSettings.swift).
            if let webhooks = body["webhooks"], case .object(var members) = body {
                members["webhooks"] = nil
                body = .object(members)
                if let problem = simulation.engine?.sender.apply(webhooks) {
                    return .error(422, code: "10015", title: "Invalid setting", detail: problem)
                }
            }
            if let problem = faults.apply(body) {
                return .error(422, code: "10015", title: "Invalid setting", detail: problem)
            }
            return .json(200, configJSON)
        case ("GET", "/__sandbox/requests"):
            return .json(200, log.json)
        case ("POST", "/__sandbox/reset"):
            log.reset()
            let query = QueryString(Substring(request.rawQuery))
            let state = body?["state"]?.boolValue == true || query["state"] == "true"
            if state {
                store.reset()
                simulation.reset()
            }
            if body?["faults"]?.boolValue == true {
                _ = faults.apply(["latency_ms": 0, "jitter_ms": 0, "error_rate": 0.0, "rate_limit": nil,
                                  "reset_rate": 0.0, "truncate_rate": 0.0, "clear_script": true])
            }
            return .json(200, ["reset": true, "state": .bool(state)])
        case ("GET", "/__sandbox/health"):
            return .json(200, ["status": "ok", "endpoints": .int(Int64(endpoints.count))])
        default:
            if let reply = simulation.admin(request.method, request.path, body: body) { return reply }
            return .notFound("No admin endpoint \(request.method) \(request.path).")
        }
    }

    /// The fault settings, with the simulation's webhook settings under `webhooks`.
    private var configJSON: JSONValue {
        var out = faults.json.objectValue ?? [:]
        if let webhooks = simulation.engine?.sender.settings.json { out["webhooks"] = webhooks }
        return .object(out)
    }
}
