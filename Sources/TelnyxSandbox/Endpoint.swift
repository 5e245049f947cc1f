import Telnyx

/// What a method answers with, as the sandbox needs to know it.
enum SandboxResult: Sendable, Equatable {
    case json
    case none
    case binary
    /// An auto-paginated list in the named scheme of pagination.md.
    case page(String)
    /// A TeXML list: one page with `next_page_uri` and the items under the key.
    case texml(itemsKey: String)
}

/// A request schema (body or query) in the catalog's compact form, copied into the sandbox's
/// own type so the validation here shares no code with the client's argument checking.
final class Shape: Sendable {
    let types: [String]
    let enumValues: [JSONValue]?
    let format: String?
    let nullable: Bool
    let properties: [String: Shape]
    let required: [String]
    let items: Shape?
    let additional: Bool

    init(
        types: [String], enumValues: [JSONValue]? = nil, format: String? = nil, nullable: Bool = false,
        properties: [String: Shape] = [:], required: [String] = [], items: Shape? = nil, additional: Bool = true
    ) {
        self.types = types
        self.enumValues = enumValues
        self.format = format
        self.nullable = nullable
        self.properties = properties
        self.required = required
        self.items = items
        self.additional = additional
    }

    /// True when the schema accepts values of `type` (or anything).
    func allows(_ type: String) -> Bool {
        types.isEmpty || types.contains("any") || types.contains(type)
            || (type == "integer" && types.contains("number"))
    }
}

/// One SDK method as the sandbox serves it.
struct Endpoint: Sendable {
    let fullName: String
    let resource: String
    let name: String
    let http: String
    let route: String
    let pathParams: [String]
    let result: SandboxResult
    /// The spec's success status (200 where the spec has no operation).
    let status: Int
    /// The success content type (application/json unless the spec says otherwise).
    let contentType: String
    /// False for the methods newer than the spec: they answer `{"data": {...}}` with an id.
    let hasOperation: Bool
    let query: Shape?
    let body: Shape?
    let bodyRequired: Bool
    /// The request body's content type the spec declares (JSON unless multipart or binary).
    let bodyContentType: String?

    /// The key of a TeXML list's items.
    var itemsKey: String? {
        if case .texml(let key) = result { return key }
        return nil
    }
}
