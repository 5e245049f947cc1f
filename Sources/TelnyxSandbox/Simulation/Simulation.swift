import HTTP1Client
import NIOConcurrencyHelpers
import NIOCore
import Telnyx

/// The sandbox playing Telnyx's side: simulated calls (Call Control and TeXML) and messages
/// that send signed webhooks. `SandboxCore` hands it API requests first (`intercept`) and the
/// admin requests it serves (`admin`); `SandboxServer` starts it on its event loops.
final class Simulation: Sendable {
    /// The running parts, made once the server has event loops.
    struct Engine: Sendable {
        let client: HTTP1Client
        let sender: WebhookSender
        let calls: CallSimulator
        let messaging: Messaging
        let texml: TeXMLInterpreter
    }

    let key: SigningKey
    let ids: SimulationIDs
    let deliveries: DeliveryLog
    let parties = Parties()
    let routing: Routing
    private let seed: UInt64
    private let settings: WebhookSettings
    private let engineBox = NIOLockedValueBox<Engine?>(nil)

    init(seed: UInt64, webhooks: WebhookSettings, store: Store) {
        self.seed = seed
        self.settings = webhooks
        key = SigningKey(seed: seed)
        ids = SimulationIDs(seed: seed)
        deliveries = DeliveryLog(capacity: 10_000, userID: uuidString(stableHash(seed, "user"), stableHash(seed, "user id")))
        routing = Routing(store: store)
    }

    var engine: Engine? { engineBox.withLockedValue { $0 } }

    /// Makes the HTTP client and the simulators on `group`.
    func start(group: EventLoopGroup) {
        // Redirects are not followed, as Telnyx does not; a receiver that is down is one failed
        // attempt (retried by the delivery engine on its own schedule).
        let client = HTTP1Client(group: group, configuration: .init(
            connectTimeout: .seconds(5), idleTimeout: .seconds(30), maxConnectionsPerHost: 64, followRedirects: false))
        let sender = WebhookSender(client: client, key: key, log: deliveries, ids: ids, loop: group.next(),
                                   settings: settings, seed: seed)
        let calls = CallSimulator(sender: sender, ids: ids, parties: parties, routing: routing)
        let engine = Engine(client: client, sender: sender, calls: calls,
                            messaging: Messaging(sender: sender, ids: ids, routing: routing),
                            texml: TeXMLInterpreter(calls: calls))
        engineBox.withLockedValue { $0 = engine }
    }

    /// Stops the HTTP client (requests in flight fail).
    func shutdown() async {
        guard let engine = engineBox.withLockedValue({ state -> Engine? in
            defer { state = nil }
            return state
        }) else { return }
        engine.client.shutdown()
    }

    /// Forgets calls, parties, deliveries and remembered applications (`reset` with state).
    func reset() {
        parties.reset()
        deliveries.reset()
        routing.reset()
        engine?.calls.reset()
        engine?.texml.contexts.withLockedValue { $0.removeAll() }
    }

    // MARK: API requests

    /// The answer to an API request the simulation plays, or nil for the sandbox's usual one.
    /// `fallback` is that usual answer (from the store or the schema), used as a template.
    func intercept(_ endpoint: Endpoint, params: [String: String], query: QueryString, body: JSONValue?,
                   fallback: () -> Reply) -> Reply? {
        guard let engine else { return nil }
        let name = endpoint.fullName
        switch name {
        case "calls.dial":
            switch engine.calls.dial(body ?? .object([:])) {
            case .failure(let problem):
                return .error(422, code: "10015", title: "Invalid call", detail: problem.message)
            case .success(let call):
                var data: [String: JSONValue] = ["call_control_id": .string(call.id), "call_leg_id": .string(call.legID),
                                                 "call_session_id": .string(call.sessionID), "is_alive": true, "record_type": "call"]
                if let state = call.clientState { data["client_state"] = .string(state) }
                return overlay(fallback(), data)
            }
        case "calls.retrieve_status":
            guard let id = params["call_control_id"], let call = engine.calls.call(id) else { return nil }
            var data: [String: JSONValue] = ["call_control_id": .string(call.id), "call_leg_id": .string(call.legID),
                                             "call_session_id": .string(call.sessionID), "is_alive": .bool(call.alive),
                                             "record_type": "call", "start_time": .string(SimulationClock.iso(call.startedMs))]
            if let state = call.clientState { data["client_state"] = .string(state) }
            if let ended = call.endedMs { data["end_time"] = .string(SimulationClock.iso(ended)) }
            data["call_duration"] = .int(((call.endedMs ?? SimulationClock.nowMs()) - call.startedMs) / 1000)
            return overlay(fallback(), data)
        case "messages.send":
            let generated = fallback()
            let data = (try? JSONValue.parse(generated.body))?["data"]?.objectValue ?? [:]
            return .json(generated.status, ["data": .object(engine.messaging.send(body ?? .object([:]), generated: data))])
        case "webhook_deliveries.list":
            return DeliveriesResource.list(deliveries, query: query)
        case "webhook_deliveries.retrieve":
            // An id the log does not hold is answered from the schema, like every stateless resource.
            guard let id = params["id"], let record = deliveries.find(id) else { return nil }
            return .json(200, ["data": deliveries.json(record)])
        case "call_control_applications.create", "messaging_profiles.create":
            let id = ids.uuid()
            let fields = body?.objectValue ?? [:]
            routing.remember(id: id, fields: fields)
            return overlay(fallback(), fields.merging(["id": .string(id)]) { $1 })
        case "call_control_applications.retrieve", "call_control_applications.update",
             "messaging_profiles.retrieve", "messaging_profiles.update":
            guard let id = params["id"], routing.remembered(id) != nil else { return nil }
            if name.hasSuffix(".update") { routing.remember(id: id, fields: body?.objectValue ?? [:]) }
            return overlay(fallback(), (routing.remembered(id) ?? [:]).merging(["id": .string(id)]) { $1 })
        case "texml.accounts.calls.calls":
            return engine.texml.create(accountSid: params["account_sid"] ?? "", body: body ?? .object([:]), fallback: fallback)
        default:
            guard name.hasPrefix("calls.actions."), let id = params["call_control_id"] else { return nil }
            let action = String(endpoint.route.split(separator: "/").last ?? "")
            switch engine.calls.command(action, on: id, body: body) {
            case .unknownCall: return nil
            case .ended:
                return .error(422, code: "90018", title: "Call has already ended",
                              detail: "This call is no longer active and can't receive commands.")
            case .invalid(let problem):
                return .error(422, code: "90015", title: "Invalid command", detail: problem)
            case .ok:
                return overlay(fallback(), ["result": "ok"])
            }
        }
    }

    /// `reply` (a JSON answer) with `fields` laid over its `data`.
    private func overlay(_ reply: Reply, _ fields: [String: JSONValue]) -> Reply {
        var envelope = (try? JSONValue.parse(reply.body))?.objectValue ?? [:]
        var data = envelope["data"]?.objectValue ?? [:]
        for (k, v) in fields { data[k] = v }
        envelope["data"] = .object(data)
        return .json(reply.status, .object(envelope))
    }
}
