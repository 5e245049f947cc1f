/// The one error type of the client. Every failure of `TelnyxClient.send` is a `TelnyxError`, and
/// the Lua layer raises the same type for arguments it rejects before sending (`.validation`), so
/// a script sees one shape of error whatever went wrong.
public struct TelnyxError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, mirroring the exception classes of the official SDKs.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        // Response statuses (400, 401, 403, 404, 409, 422, 429, >= 500, any other >= 400), then
        // failures without a response: unreachable server, no answer in time, rejected before sending.
        case badRequest, authentication, permissionDenied, notFound, conflict
        case unprocessableEntity, rateLimit, internalServer, apiStatus
        case connection, timeout, validation
        /// A successful status whose body is not what the method returns: malformed JSON, an
        /// empty body where one is expected, text or HTML instead of JSON.
        case responseValidation
        /// The awaiting Swift task was cancelled (Ctrl-C, `task:cancel()`); nothing is retried.
        case cancelled

        /// The kind an HTTP error status maps to, as the SDKs' `_make_status_error` does.
        public static func forStatus(_ status: Int) -> Kind {
            switch status {
            case 400: return .badRequest
            case 401: return .authentication
            case 403: return .permissionDenied
            case 404: return .notFound
            case 409: return .conflict
            case 422: return .unprocessableEntity
            case 429: return .rateLimit
            case 500...: return .internalServer
            default: return .apiStatus
            }
        }

        /// The SDK class name, so scripts can test `err.class == "NotFoundError"` as Python would.
        public var className: String {
            switch self {
            case .badRequest: return "BadRequestError"
            case .authentication: return "AuthenticationError"
            case .permissionDenied: return "PermissionDeniedError"
            case .notFound: return "NotFoundError"
            case .conflict: return "ConflictError"
            case .unprocessableEntity: return "UnprocessableEntityError"
            case .rateLimit: return "RateLimitError"
            case .internalServer: return "InternalServerError"
            case .apiStatus: return "APIStatusError"
            case .connection: return "APIConnectionError"
            case .timeout: return "APITimeoutError"
            case .validation: return "ValidationError"
            // The Stainless SDKs' name for a response that does not match what was expected.
            case .responseValidation: return "APIResponseValidationError"
            // The Stainless TypeScript SDK's name for an aborted request.
            case .cancelled: return "APIUserAbortError"
            }
        }
    }

    /// One entry of the Telnyx `errors` array: `{code, title, detail, source: {pointer}}`.
    public struct APIErrorDetail: Sendable, Hashable {
        /// The Telnyx error code, e.g. `"10005"`; look it up at telnyx.com/docs.
        public var code: String?
        /// A short summary, e.g. `Resource not found`.
        public var title: String?
        /// The explanation, often naming the field or value at fault.
        public var detail: String?
        /// `source.pointer`, a JSON pointer to the offending request field.
        public var pointer: String?
        /// The entry as the server sent it (secrets redacted), for fields not modelled here.
        public var raw: JSONValue

        /// Reads an entry leniently: Telnyx sends `code` as a string, other services as a number.
        public init(_ raw: JSONValue) {
            self.raw = raw
            self.code = raw["code"].flatMap { $0.stringValue ?? $0.intValue.map { String($0) } }
            self.title = raw["title"]?.stringValue
            self.detail = raw["detail"]?.stringValue
            self.pointer = raw["source"]?["pointer"]?.stringValue
        }
    }

    /// The category of failure.
    public var kind: Kind
    /// A message a person can act on, already free of secrets.
    public var message: String
    /// The HTTP status, for errors that came from a response.
    public var status: Int?
    /// The response headers (the `Authorization` header is never among them: it is a request header).
    public var headers: [(String, String)]
    /// The `x-request-id` of the failed response, to quote to Telnyx support.
    public var requestID: String?
    /// The parsed `errors` array; empty when the body had none.
    public var errors: [APIErrorDetail]
    /// The whole error body when it was JSON (secrets redacted); nil otherwise.
    public var body: JSONValue?

    /// Creates an error; most callers use the `validation`, `connection` or `response` helpers.
    public init(
        kind: Kind, message: String, status: Int? = nil, headers: [(String, String)] = [],
        requestID: String? = nil, errors: [APIErrorDetail] = [], body: JSONValue? = nil
    ) {
        self.kind = kind
        self.message = message
        self.status = status
        self.headers = headers
        self.requestID = requestID
        self.errors = errors
        self.body = body
    }

    /// An error found before anything was sent (a bad argument, an empty path parameter).
    public static func validation(_ message: String) -> TelnyxError {
        TelnyxError(kind: .validation, message: message)
    }

    /// `ValidationError: expected a non-empty value for 'id'`.
    public var description: String { "\(kind.className): \(message)" }
}

extension TelnyxError {
    /// Builds the error for an unsuccessful response, redacting `secrets` from everything it keeps.
    ///
    /// The message reads `404 Not Found: Resource not found (code 10005) [request_id abc]`; a
    /// body that is not Telnyx's JSON (an HTML 502 page from a proxy, nothing at all) still gives
    /// the status, its reason and a short, single-line excerpt of the text.
    static func fromResponse(_ response: APIResponse, redactor: Redactor) -> TelnyxError {
        let status = response.status
        var head = "\(status) \(httpReasonPhrase(status))"
        var details: [APIErrorDetail] = []
        var body: JSONValue?
        if !response.body.isEmpty, let parsed = try? JSONValue.parse(response.body) {
            let clean = redactor.redact(parsed)
            body = clean
            details = (clean["errors"]?.arrayValue ?? []).map(APIErrorDetail.init)
            if details.isEmpty, let text = clean["message"]?.stringValue ?? clean["error"]?.stringValue {
                head += ": \(text)"
            }
        } else if !response.body.isEmpty {
            let text = String(decoding: response.body.prefix(2048), as: UTF8.self)
            let excerpt = summarize(text)
            if !excerpt.isEmpty { head += ": \(redactor.redact(excerpt))" }
        } else {
            head += " (empty response body)"
        }
        let parts = details.map { detail -> String in
            var text = detail.detail ?? detail.title ?? "error"
            if let title = detail.title, let detailText = detail.detail, !detailText.contains(text: title) {
                text = "\(title): \(detailText)"
            }
            if let code = detail.code { text += " (code \(code))" }
            if let pointer = detail.pointer, !pointer.isEmpty { text += " at \(pointer)" }
            return text
        }
        var message = parts.isEmpty ? head : "\(head): \(parts.joined(separator: "; "))"
        if let id = response.requestID { message += " [request_id \(id)]" }
        return TelnyxError(
            kind: .forStatus(status), message: message, status: status,
            headers: response.headers.map { ($0.0, redactor.redact($0.1)) },
            requestID: response.requestID, errors: details, body: body)
    }

    /// Collapses an HTML or plain-text body to one short line: tags dropped, whitespace squeezed.
    static func summarize(_ text: String) -> String {
        var out = ""
        var inTag = false
        var lastWasSpace = true
        for ch in text {
            if ch == "<" { inTag = true }
            // A tag separates words as whitespace does (`502</title><h1>nginx`).
            let separator = inTag || ch.isWhitespace
            if inTag, ch == ">" { inTag = false }
            if separator {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
            } else {
                out.append(ch)
                lastWasSpace = false
            }
            if out.count >= 200 { out += "..."; break }
        }
        while out.last == " " { out.removeLast() }
        return out
    }

    /// The standard reason phrase, so messages name the status in words.
    static func httpReasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 402: return "Payment Required"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 413: return "Payload Too Large"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "HTTP Error"
        }
    }
}
