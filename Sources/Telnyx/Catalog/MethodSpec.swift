/// The pagination schemes of the Telnyx API (see pagination.md of the reference data).
public enum PaginationScheme: String, Sendable, CaseIterable {
    case defaultFlatPagination = "DefaultFlatPagination"
    case defaultFlatPaginationForInexplicitNumberOrders = "DefaultFlatPaginationForInexplicitNumberOrders"
    case defaultPaginationForLogMessages = "DefaultPaginationForLogMessages"
    case perPagePagination = "PerPagePagination"
    case perPagePaginationV2 = "PerPagePaginationV2"
    case defaultPaginationForMessagingTollfree = "DefaultPaginationForMessagingTollfree"
    case defaultPaginationForQueues = "DefaultPaginationForQueues"
    case defaultFlatPaginationTopLevelArray = "DefaultFlatPaginationTopLevelArray"
    case cursorFlatPagination = "CursorFlatPagination"
    case emailCursorPagination = "EmailCursorPagination"
    case emailBracketCursorPagination = "EmailBracketCursorPagination"
    case cloudfsCursorPagination = "CloudfsCursorPagination"
}

/// What a method returns.
public enum ResultKind: Sendable, Hashable {
    /// A JSON document.
    case json
    /// No body (204 and the like).
    case none
    /// A file download: the raw bytes.
    case binary
    /// An auto-paginated list read with the given scheme.
    case page(PaginationScheme)
    /// A TeXML list: one page whose items are under `itemsKey`, the next at `next_page_uri`.
    case texml(itemsKey: String)

    /// Parses the catalog's spelling (`json`, `none`, `binary`, `page:SCHEME`, `texml:KEY`).
    public init?(catalogText text: String) {
        switch text {
        case "json": self = .json
        case "none": self = .none
        case "binary": self = .binary
        default:
            if text.hasPrefix("page:") {
                guard let scheme = PaginationScheme(rawValue: String(text.dropFirst(5))) else {
                    return nil
                }
                self = .page(scheme)
            } else if text.hasPrefix("texml:"), text.count > 6 {
                self = .texml(itemsKey: String(text.dropFirst(6)))
            } else {
                return nil
            }
        }
    }

    /// The catalog's spelling of this result kind.
    public var catalogText: String {
        switch self {
        case .json: return "json"
        case .none: return "none"
        case .binary: return "binary"
        case .page(let scheme): return "page:" + scheme.rawValue
        case .texml(let key): return "texml:" + key
        }
    }
}

/// One SDK method of the catalog: where it goes and what it takes and returns.
public struct MethodSpec: Sendable {
    /// The dotted resource path (`texml.accounts.calls`).
    public let resource: String
    /// The method name (`retrieve_calls`).
    public let name: String
    /// `resource.name`.
    public var fullName: String { resource + "." + name }
    /// The HTTP method (`GET`, `POST`, ...).
    public let http: String
    /// The route under /v2 with `{param}` slots.
    public let route: String
    /// The path parameter taken as the first positional argument, if any.
    public let positional: String?
    /// The other path parameters, passed by name.
    public let keywordPath: [String]
    /// The schema of every `{param}` of the route.
    public let pathParams: [String: Schema]
    /// The query parameters as an object schema keyed by their Lua-facing names, or nil.
    public let query: Schema?
    /// The request body, or nil when the method takes none.
    public let body: Schema?
    /// Whether the body must be given.
    public let bodyRequired: Bool
    /// How the body is sent (`application/json`, `multipart/form-data`, ...), or nil.
    public let contentType: String?
    /// The spec's own media type when it differs from `contentType` (form-urlencoded TeXML).
    public let specContentType: String?
    /// What the method returns.
    public let result: ResultKind
    /// The success status code of the spec (200 when unknown).
    public let status: Int
    /// The spec's operationId, or nil for methods newer than the spec.
    public let operationId: String?
    /// A one-line summary, or nil.
    public let summary: String?
    /// Whether the method's parameters are described (by the spec or the SDK's types);
    /// unchecked methods pass arguments through.
    public let checked: Bool
    /// Header parameters by their Lua-facing (SDK) names, as an object schema, or nil.
    public let headers: Schema?
    /// The header each header parameter is sent as: `idempotency_key` -> `Idempotency-Key`.
    public let headerNames: [String: String]
    /// Query pairs the SDK always sends (`documents.upload`: `content-type=multipart`).
    public let fixedQuery: [(String, String)]
    /// The parameter whose value is the whole body (a bare JSON array, raw bytes), if any.
    public let bodyParam: String?
    /// The Python SDK's name for a table of all the body's members (`network_create`), if any.
    public let bodySpread: String?

    /// The path parameters in route order.
    public let pathParamNames: [String]

    /// Decodes one catalog line; nil when a required key is missing or malformed.
    public init?(json: JSONValue) {
        guard case .object(let m) = json,
            let resource = m["resource"]?.stringValue, let name = m["method"]?.stringValue,
            let http = m["http"]?.stringValue, let route = m["route"]?.stringValue,
            let result = m["result"]?.stringValue.flatMap(ResultKind.init(catalogText:))
        else { return nil }
        self.resource = resource
        self.name = name
        self.http = http
        self.route = route
        self.positional = m["positional"]?.stringValue
        self.keywordPath = m["keyword_path"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var pathParams: [String: Schema] = [:]
        for (key, value) in m["path_params"]?.objectValue ?? [:] {
            pathParams[key] = Schema(json: value) ?? Schema(types: [.string])
        }
        self.pathParams = pathParams
        self.query = m["query"].flatMap { Schema(json: $0) }
        self.body = m["body"].flatMap { Schema(json: $0) }
        self.bodyRequired = m["body_required"]?.boolValue ?? false
        self.contentType = m["content_type"]?.stringValue
        self.specContentType = m["spec_content_type"]?.stringValue
        self.result = result
        self.status = m["status"]?.intValue.map { Int($0) } ?? 200
        self.operationId = m["operation_id"]?.stringValue
        self.summary = m["summary"]?.stringValue
        self.checked = m["checked"]?.boolValue ?? false
        self.headers = m["headers"].flatMap { Schema(json: $0) }
        var headerNames: [String: String] = [:]
        for (key, value) in m["header_names"]?.objectValue ?? [:] { headerNames[key] = value.stringValue }
        self.headerNames = headerNames
        self.fixedQuery = (m["fixed_query"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
            .compactMap { key, value in value.stringValue.map { (key, $0) } }
        self.bodyParam = m["body_param"]?.stringValue
        self.bodySpread = m["body_spread"]?.stringValue
        self.pathParamNames = Self.parameterNames(in: route)
    }

    /// The `{name}`s of a route, in order; found once, when the method is decoded (every call
    /// needs them).
    private static func parameterNames(in route: String) -> [String] {
        var names: [String] = []
        var rest = route.utf8[...]
        while let open = rest.firstIndex(of: UInt8(ascii: "{")),
            let close = rest[open...].firstIndex(of: UInt8(ascii: "}"))
        {
            names.append(String(decoding: rest[rest.index(after: open)..<close], as: UTF8.self))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}
