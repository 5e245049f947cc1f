import Telnyx

/// The request pipeline of the sandbox, independent of the network: admin → log → faults →
/// OAuth → auth → route → validation → store or response factory.
final class SandboxCore: Sendable {
    let endpoints: [Endpoint]
    let router: Router
    let factory: ResponseFactory
    let store: Store
    let bindings: [Binding?]
    let faults: Faults
    let log: RequestLog
    let limits: SandboxLimits
    let auth: Auth
    let seed: UInt64
    /// Simulated calls, messages and signed webhooks (Simulation/).
    let simulation: Simulation
    /// `--stateless`: every answer generated from the schemas (no store, no simulation).
    let stateless: Bool
    /// Answers to GET requests kept while the store is unchanged.
    let answers = AnswerCache()

    init(configuration: SandboxConfiguration) {
        let document = Catalog.responseSchemas()
        let endpoints = CatalogAdapter.endpoints(responses: document)
        self.endpoints = endpoints
        seed = configuration.seed
        limits = configuration.limits
        log = RequestLog(limits: configuration.limits)
        factory = ResponseFactory(document: document)
        router = Router(routes: endpoints.map { ($0.http, $0.route) })
        stateless = configuration.stateless
        let bindings: [Binding?] = endpoints.map { endpoint in
            if seedMethods.contains(endpoint.fullName) && !configuration.stateless { return Binding.stateful(endpoint) }
            switch endpoint.result {
            case .page, .texml: return Binding.generatedList(endpoint)
            default: return nil
            }
        }
        self.bindings = bindings
        let bound = zip(endpoints, bindings).compactMap { pair in pair.1.map { (pair.0, $0) } }
        store = Store(factory: factory, seed: seed, phoneNumbers: configuration.phoneNumbers, bound: bound)
        faults = Faults(configuration.faults, seed: seed)
        auth = Auth(apiKey: configuration.apiKey, seed: seed)
        simulation = Simulation(seed: seed, webhooks: configuration.webhooks, store: store)
    }

    /// The answer to `request`.
    func handle(_ request: IncomingRequest) -> Reply {
        if request.path.hasPrefix("/__sandbox/") { return admin(request) }
        let number = log.begin(method: request.method, path: request.path, query: request.rawQuery, body: request.body)
        let (action, delay) = faults.decide(path: request.path)
        var reply: Reply
        switch action {
        case .status(let code):
            reply = .error(code, code: "10007", title: "Unexpected error", detail: "Injected fault: the sandbox answered \(code).")
        case .rateLimited(let after):
            reply = .error(429, code: "10011", title: "Too many requests", detail: "Rate limit exceeded; retry after \(after) s.")
            reply.extraHeaders = [("retry-after", String(after))]
        default:
            reply = answer(request)
            reply.action = action
        }
        reply.delayMs = delay
        reply.logNumber = number
        return reply
    }

    private func answer(_ request: IncomingRequest) -> Reply {
        let path = Substring(request.path)
        if request.method == "POST", path == "/oauth/token" || path == "/v2/oauth/token" {
            return auth.token(request)
        }
        if let refused = auth.check(request) { return refused }
        guard let match = router.match(method: request.method, path: path) else {
            if router.anyMethodMatches(path: path) {
                return .error(405, code: "10015", title: "Method not allowed", detail: "\(request.method) is not served at \(request.path).")
            }
            return .notFound("No route matches \(request.method) \(request.path).")
        }
        let endpoint = endpoints[match.index]
        let query = QueryString(request.rawQuery.isEmpty ? nil : Substring(request.rawQuery))

        var body: JSONValue?
        let contentType = request.header("content-type")?.lowercased() ?? ""
        let isJSON = contentType.isEmpty || contentType.contains(text: "json")
        if !request.body.isEmpty && isJSON {
            do {
                body = try JSONValue.parse(request.body)
            } catch {
                return .error(400, code: "10015", title: "Malformed JSON", detail: "The request body is not valid JSON: \(error)")
            }
        }
        var issues: [ValidationIssue] = []
        if let shape = endpoint.body, endpoint.bodyContentType == "application/json" {
            if let body {
                issues += Validation.body(body, shape)
            } else if endpoint.bodyRequired && request.body.isEmpty {
                issues.append(ValidationIssue(code: "10004", title: "Missing required parameter",
                                              detail: "A JSON request body is required.", pointer: "/", parameter: nil))
            }
        }
        if let shape = endpoint.query { issues += Validation.query(query.nested, shape) }
        if !issues.isEmpty { return .json(422, ["errors": .array(issues.map(\.json))]) }
        let fallback = { () -> Reply in
            let stored = { self.stored(match.index, params: match.params, query: query, body: body, path: request.path) }
            guard request.method == "GET" else { return stored() }
            return self.answers.answer(request.path + "?" + request.rawQuery, version: { self.store.version }, stored)
        }
        if !stateless, let simulated = simulation.intercept(endpoint, params: match.params, query: query, body: body, fallback: fallback) {
            return simulated
        }
        return fallback()
    }

    /// The answer from the store (stateful methods) or the schema.
    private func stored(_ index: Int, params: [String: String], query: QueryString, body: JSONValue?, path: String) -> Reply {
        let endpoint = endpoints[index]
        let match = (index: index, params: params)
        if let binding = bindings[match.index],
            let outcome = store.handle(endpoint: endpoint, binding: binding, params: match.params, query: query,
                                       body: body, path: path)
        {
            switch outcome {
            case .notFound(let detail): return .notFound(detail)
            case .invalid(let parameter, let detail):
                return .error(400, code: "10015", title: "Invalid parameter", detail: detail,
                              source: ["parameter": .string(parameter)])
            case .noContent: return Reply(status: endpoint.status, contentType: nil, body: [])
            case .body(let value): return .json(endpoint.status, value)
            case .written(let bytes): return Reply(status: endpoint.status, contentType: "application/json", body: bytes)
            }
        }
        return generated(endpoint, params: match.params, path: path)
    }

    /// The schema-driven answer of a stateless endpoint.
    private func generated(_ endpoint: Endpoint, params: [String: String], path: String) -> Reply {
        switch endpoint.result {
        case _ where endpoint.status == 204, .none:  // a 204 never has a body (HTTP says so)
            return Reply(status: endpoint.status, contentType: nil, body: [])
        case .binary:
            var rng = SplitMix(stableHash(seed, endpoint.fullName, path))
            let bytes = (0..<256).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let type = endpoint.contentType.contains(text: "json") ? "application/octet-stream" : endpoint.contentType
            return Reply(status: endpoint.status, contentType: type, body: bytes)
        default:
            var rng = SplitMix(stableHash(seed, endpoint.fullName, path))
            guard let schema = factory.responses[endpoint.fullName] else {
                // Newer than the spec: the envelope every Telnyx resource uses, with an id.
                let id = params.values.sorted().first ?? uuidString(rng.next(), rng.next())
                return .json(endpoint.status, ["data": ["id": .string(id), "record_type": .string(endpoint.resource)]])
            }
            var answer = factory.generate(schema, rng: &rng)
            if stateless { answer = withPathID(answer, schema: schema, params: params) }
            return .json(endpoint.status, answer)
        }
    }

    /// The generated record under the id the path asked for (`/rcs/agents/{id}` answers that id),
    /// when the schema allows it there: a stateless sandbox finds every well-formed id.
    private func withPathID(_ answer: JSONValue, schema: JSONValue, params: [String: String]) -> JSONValue {
        guard params.count == 1, let id = params.values.first, case .object(var top) = answer,
            case .object(var data)? = top["data"], data["id"]?.stringValue != nil,
            let idSchema = factory.member(factory.concrete(factory.member(schema, "data") ?? .null), "id"),
            factory.fits(.string(id), idSchema)
        else { return answer }
        data["id"] = .string(id)
        top["data"] = .object(data)
        return .object(top)
    }
}
