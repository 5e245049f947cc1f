import HTTP1Client
import Logging

/// The Telnyx API client: encodes an `APIRequest`, authenticates it, sends it over a pooled
/// HTTP engine, retries as the official SDKs do, and returns the response or a `TelnyxError`.
///
/// It knows nothing of Lua; the Lua layer builds `APIRequest`s from the catalog. One client is
/// meant to be shared by every call (it owns the connection pool); call `shutdown()` when done.
public final class TelnyxClient: Sendable, CustomStringConvertible {
    /// The options the client was created with.
    public let options: ClientOptions
    private let transport: HTTPTransport
    private let oauth: OAuthTokenProvider?

    /// A client with these options (by default read from the environment, as the SDKs do).
    public init(options: ClientOptions = .fromEnvironment()) {
        self.options = options
        let transport = HTTPTransport(
            connectTimeout: options.connectTimeout, maxConnectionsPerHost: options.maxConnectionsPerHost)
        self.transport = transport
        if options.apiKey == nil, let id = options.clientID, let secret = options.clientSecret {
            let timeout = options.timeout
            oauth = OAuthTokenProvider(clientID: id, clientSecret: secret) { url, headers, body throws(TelnyxError) in
                try await transport.perform(method: "POST", url: url, headers: headers, body: body, timeout: timeout)
            }
        } else {
            oauth = nil
        }
    }

    /// Sends `request` and returns the response when its status is below 400.
    ///
    /// Errors (always `TelnyxError`, never anything else): `.validation` before sending (an empty
    /// path parameter, an unreadable upload), a status kind for 4xx/5xx responses after the
    /// allowed retries, `.connection` or `.timeout` when the server could not be reached or did
    /// not answer in time, `.cancelled` when the awaiting task was cancelled: cancellation aborts
    /// the in-flight request and any retry wait at once.
    public func send(_ request: APIRequest, options overrides: RequestOptions? = nil) async throws(TelnyxError) -> APIResponse {
        try await awaitExchange { completion in
            let handle = start(request, options: overrides, completion: completion)
            return { handle.cancel() }
        }
    }

    /// `send` without a Swift task: `completion` runs once with the outcome, on an event loop.
    /// The handle cancels it. This is what the Lua host uses: the calling thread only hands the
    /// request to an event loop, which encodes, sends and retries it (so many requests started
    /// at once are prepared on every loop, not one after another on the caller's thread), and
    /// the answer comes back in one hop.
    @discardableResult
    public func start(
        _ request: APIRequest, options overrides: RequestOptions? = nil,
        completion: @escaping @Sendable (Result<APIResponse, TelnyxError>) -> Void
    ) -> RequestHandle {
        let loop = transport.reserveLoop()
        let run = RequestRun(
            request, overrides: overrides, on: loop, client: self, transport: transport, oauth: oauth,
            completion: completion)
        transport.submit(on: loop) { run.begin() }
        return run.handle
    }

    /// Everything that can be wrong with the request itself is found before the first byte.
    func prepare(_ request: APIRequest, overrides: RequestOptions?) throws(TelnyxError) -> RequestRun.Prepared {
        let baseURL = overrides?.baseURL ?? options.baseURL
        let apiKey = overrides?.apiKey ?? options.apiKey
        // A key that cannot go into a header is never handed to the HTTP library, whose error
        // would quote it; the message says where the key came from instead.
        if apiKey == nil, let problem = options.apiKeyProblem {
            throw TelnyxError(kind: .authentication, message: problem)
        }
        if let apiKey, let problem = APIKeyCheck.problem(apiKey) {
            throw TelnyxError(kind: .authentication, message: "the API key \(problem); it was not sent")
        }
        let url = try RequestEncoding.url(
            baseURL: baseURL, route: request.route, pathParams: request.pathParams, query: request.query)
        let (bodyBytes, contentType) = Self.encodeBody(request.body)
        var headers = Self.merge(
            [("User-Agent", TelnyxVersion.userAgent), ("Accept", "application/json")],
            options.defaultHeaders, request.headers, overrides?.headers ?? [])
        let method = request.method.uppercased()
        // As the SDKs: a request that is not a GET says JSON even when it has no body.
        if let contentType = contentType ?? (method == "GET" || method == "HEAD" ? nil : "application/json") {
            headers = Self.merge(headers, [("Content-Type", contentType)])
        }
        return RequestRun.Prepared(
            method: method, url: url, headers: headers, body: bodyBytes, baseURL: baseURL, apiKey: apiKey,
            timeout: overrides?.timeout ?? options.timeout,
            maxRetries: max(overrides?.maxRetries ?? options.maxRetries, 0))
    }

    /// Closes the connection pool. Call once, after the last `send`.
    public func shutdown() async {
        transport.shutdown()
    }

    /// `shutdown()` for callers outside async code.
    public func syncShutdown() {
        transport.shutdown()
    }

    /// The options, credentials masked.
    public var description: String { "TelnyxClient(\(options))" }

    // MARK: - Helpers

    static func encodeBody(_ body: RequestBody) -> ([UInt8]?, String?) {
        switch body {
        case .none:
            return (nil, nil)
        case .json(let bytes):
            return (bytes, "application/json")
        case .raw(let bytes, let contentType):
            return (bytes, contentType)
        case .multipart(let parts):
            let boundary = RequestEncoding.makeBoundary(for: parts)
            return (RequestEncoding.encodeMultipart(parts, boundary: boundary), "multipart/form-data; boundary=\(boundary)")
        }
    }

    /// Concatenates header lists; a later header replaces earlier ones of the same name (any case).
    static func merge(_ lists: [(String, String)]...) -> [(String, String)] {
        var out: [(String, String)] = []
        for list in lists {
            for (name, value) in list {
                if let index = out.firstIndex(where: { HTTPSyntax.sameName($0.0, name) }) { out.remove(at: index) }
                out.append((name, value))
            }
        }
        return out
    }

    static func hasHeader(_ name: String, in headers: [(String, String)]) -> Bool {
        headers.contains { HTTPSyntax.sameName($0.0, name) }
    }

    static func show(_ headers: [(String, String)], _ redactor: Redactor) -> String {
        headers.map { "\($0.0): \(redactor.redactHeader(name: $0.0, value: $0.1))" }.joined(separator: "; ")
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
