import HTTP1Client
/// One API call, before encoding: the Lua layer (or any Swift caller) fills it from the catalog.
public struct APIRequest: Sendable, CustomStringConvertible {
    /// The HTTP method, upper case: "GET", "POST", "PATCH", "PUT", "DELETE".
    public var method: String
    /// The route template relative to the base URL, e.g. `/phone_numbers/{id}`.
    public var route: String
    /// Values for the `{name}` slots of `route`; each must be present and non-empty.
    public var pathParams: [String: String]
    /// Query parameters in order.
    public var query: [QueryParameter]
    /// The request body.
    public var body: RequestBody
    /// Headers for this request only (added after the client's defaults, so they win).
    public var headers: [(String, String)]

    /// A request; only the method and route are required.
    public init(
        method: String, route: String, pathParams: [String: String] = [:], query: [QueryParameter] = [],
        body: RequestBody = .none, headers: [(String, String)] = []
    ) {
        self.method = method
        self.route = route
        self.pathParams = pathParams
        self.query = query
        self.body = body
        self.headers = headers
    }

    /// `GET /phone_numbers/{id}` plus a summary of the body; header values are not shown.
    public var description: String {
        var text = "\(method) \(route)"
        if !pathParams.isEmpty {
            text += " " + pathParams.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
        switch body {
        case .none: break
        case .json(let bytes): text += " (JSON, \(bytes.count) bytes)"
        case .multipart(let parts): text += " (multipart, \(parts.count) parts)"
        case .raw(let bytes, let type): text += " (\(type), \(bytes.count) bytes)"
        }
        return text
    }
}

/// One query parameter, with its OpenAPI serialization style.
public struct QueryParameter: Sendable, Hashable {
    /// OpenAPI `style` for query parameters.
    public enum Style: Sendable, Hashable {
        /// `name=value`; arrays repeat the name or join with commas depending on `explode`.
        case form
        /// Objects as `name[key]=value`, nested to any depth (`filter[phone_number][contains]=555`).
        case deepObject
    }

    /// The parameter name.
    public var name: String
    /// The value; `null` (and nulls nested inside) is omitted.
    public var value: JSONValue
    /// How it is serialized.
    public var style: Style
    /// For `.form` arrays: true repeats `name=a&name=b`, false joins `name=a,b`.
    public var explode: Bool

    /// A query parameter; `form` + `explode` is the OpenAPI default.
    public init(name: String, value: JSONValue, style: Style = .form, explode: Bool = true) {
        self.name = name
        self.value = value
        self.style = style
        self.explode = explode
    }
}

/// The body of a request.
public enum RequestBody: Sendable {
    /// No body.
    case none
    /// Already-encoded JSON, sent with `Content-Type: application/json`.
    case json([UInt8])
    /// `multipart/form-data` parts, for uploads.
    case multipart([MultipartPart])
    /// Bytes sent as they are with the given content type (`storage.kvs.keys.update`'s value,
    /// `application/octet-stream`).
    case raw([UInt8], contentType: String)
}

/// One part of a `multipart/form-data` body.
extension RequestBody {
    /// Bytes of the body.
    public var byteCount: Int {
        switch self {
        case .none: return 0
        case .json(let bytes): return bytes.count
        case .multipart(let parts): return parts.reduce(0) { $0 + $1.data.count + 256 }
        case .raw(let bytes, _): return bytes.count
        }
    }

    /// Bytes the body holds in memory while its request is in flight, what the process's memory
    /// budget counts: the transport copies it into its buffer, and a multipart body is first
    /// encoded from its parts.
    public var bytesInFlight: Int {
        switch self {
        case .multipart: return byteCount * 3
        default: return byteCount * 2
        }
    }
}

public struct MultipartPart: Sendable {
    /// The form field name.
    public var name: String
    /// Given for files: sent as `filename="..."` in the part's `Content-Disposition`.
    public var filename: String?
    /// The part's `Content-Type`; files without one are sent as `application/octet-stream`.
    public var contentType: String?
    /// The part's bytes, sent unchanged.
    public var data: [UInt8]

    /// A part from bytes.
    public init(name: String, filename: String? = nil, contentType: String? = nil, data: [UInt8]) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }

    /// A text field.
    public init(name: String, text: String) {
        self.init(name: name, data: Array(text.utf8))
    }

    /// A file part read from `path`; the filename is the path's last component. Throws a
    /// validation error naming the path when it cannot be read.
    public init(name: String, filePath path: String, contentType: String? = nil) throws(TelnyxError) {
        let data = try readFile(at: path)
        let filename = path.split(separator: "/").last.map(String.init) ?? path
        self.init(name: name, filename: filename, contentType: contentType ?? "application/octet-stream", data: data)
    }
}

/// A response as received: the status, headers, and the body bytes exactly as sent.
public struct APIResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The response headers, in order, with their original case.
    public var headers: [(String, String)]
    /// The body bytes, untouched (binary downloads stay byte-exact).
    public var body: [UInt8]
    /// The body's share of the memory budget, released with the last copy of the response.
    public var memoryHold: MemoryHold?

    /// A response; the client builds these, tests may too.
    public init(status: Int, headers: [(String, String)], body: [UInt8], memoryHold: MemoryHold? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.memoryHold = memoryHold
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { HTTPSyntax.sameName($0.0, name) }?.1
    }

    /// The `Content-Type` header, e.g. `application/json; charset=utf-8`.
    public var contentType: String? { header("content-type") }

    /// The `x-request-id` header Telnyx puts on every response.
    public var requestID: String? { header("x-request-id") }

    /// Whether the body is JSON, judged from the content type (`application/json`, `+json`).
    public var isJSON: Bool {
        guard let type = contentType else { return false }
        // The media type: before any `;`, without blanks, lowercased. Compared as it is read,
        // with no copy: this runs for every response.
        let json: StaticString = "application/json"
        var length = 0
        var matches = true
        var lastFive: UInt64 = 0
        for byte in type.utf8 {
            if byte == UInt8(ascii: ";") { break }
            if byte == 0x20 || byte == 0x09 { continue }
            let lower = byte >= 65 && byte <= 90 ? byte | 0x20 : byte
            matches = matches && length < json.utf8CodeUnitCount && json.utf8Start[length] == lower
            length += 1
            lastFive = (lastFive << 8 | UInt64(lower)) & 0xFF_FFFF_FFFF
        }
        let plusJSON: UInt64 = 0x2B_6A73_6F6E  // "+json"
        return (matches && length == json.utf8CodeUnitCount) || (length >= 5 && lastFive == plusJSON)
    }

    /// The body parsed as JSON; an empty body is `null` (204 No Content). A body that is not
    /// JSON throws `.responseValidation` with the parser's offset and reason.
    public func json() throws(TelnyxError) -> JSONValue {
        if body.isEmpty { return .null }
        do {
            return try JSONValue.parse(body)
        } catch {
            throw TelnyxError(
                kind: .responseValidation, message: "response \(status) is not valid JSON: \(error)", status: status,
                headers: headers, requestID: requestID)
        }
    }
}
