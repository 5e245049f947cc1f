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
        let baseURL = overrides?.baseURL ?? options.baseURL
        let timeout = overrides?.timeout ?? options.timeout
        let maxRetries = max(overrides?.maxRetries ?? options.maxRetries, 0)
        let apiKey = overrides?.apiKey ?? options.apiKey
        let logger = options.logger

        // A key that cannot go into a header is never handed to the HTTP library, whose error
        // would quote it; the message says where the key came from instead.
        if apiKey == nil, let problem = options.apiKeyProblem {
            throw TelnyxError(kind: .authentication, message: problem)
        }
        if let apiKey, let problem = APIKeyCheck.problem(apiKey) {
            throw TelnyxError(kind: .authentication, message: "the API key \(problem); it was not sent")
        }

        // Everything that can be wrong with the request itself is found before the first byte.
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

        var attempt = 0
        while true {
            attempt += 1
            if Task.isCancelled { throw TelnyxError(kind: .cancelled, message: "request cancelled") }
            var sent = headers
            var token: String?
            if let apiKey, !Self.hasHeader("authorization", in: sent) {
                sent = Self.merge(sent, [("Authorization", "Bearer \(apiKey)")])
            } else if let oauth, !Self.hasHeader("authorization", in: sent) {
                token = try await oauth.accessToken(baseURL: baseURL)
                sent = Self.merge(sent, [("Authorization", "Bearer \(token!)")])
            }
            let redactor = Redactor(secrets: options.secrets + [apiKey, token])
            let shownURL = redactor.redact(url)
            if logger.logLevel <= .debug {
                logger.debug("request \(method) \(shownURL) attempt \(attempt)", metadata: [
                    "headers": .string(Self.show(sent, redactor)),
                    "body": .string(TelnyxLogging.describeBody(bodyBytes ?? [], redactor: redactor)),
                ])
            }
            let started = ContinuousClock.now
            let outcome: Result<APIResponse, TelnyxError>
            do {
                outcome = .success(try await transport.perform(
                    method: method, url: url, headers: sent, body: bodyBytes, timeout: timeout))
            } catch {
                outcome = .failure(error)
            }
            let elapsed = Self.milliseconds(ContinuousClock.now - started)
            let retriesLeft = attempt <= maxRetries

            switch outcome {
            case .failure(var error):
                error.message = redactor.redact(error.message)
                logger.info("\(method) \(shownURL) failed: \(error.kind.className) (attempt \(attempt), \(elapsed) ms)")
                guard retriesLeft, error.kind == .connection || error.kind == .timeout else { throw error }
                try await pause(retry: attempt, headers: nil, reason: error.kind.className, logger: logger)
            case .success(let response):
                logger.info("\(method) \(shownURL) -> \(response.status) (attempt \(attempt), \(elapsed) ms)")
                if logger.logLevel <= .debug {
                    logger.debug("response \(response.status)", metadata: [
                        "headers": .string(Self.show(response.headers, redactor)),
                        "body": .string(TelnyxLogging.describeBody(response.body, redactor: redactor)),
                    ])
                }
                if response.status < 400 { return response }
                // An OAuth token can expire between the check and the server's: fetch a new one.
                var retry = RetryPolicy.shouldRetry(status: response.status, headers: response.headers)
                if response.status == 401, let oauth, token != nil, await oauth.isExpired {
                    await oauth.invalidate()
                    retry = true
                }
                guard retriesLeft, retry else {
                    var error = TelnyxError.fromResponse(response, redactor: redactor)
                    if response.status == 401, apiKey == nil, oauth == nil, token == nil {
                        error.message += " (no API key: set TELNYX_API_KEY or pass one)"
                    }
                    throw error
                }
                try await pause(retry: attempt, headers: response.headers, reason: "status \(response.status)", logger: logger)
            }
        }
    }

    /// Sleeps before retry number `retry`, scaled by `retryDelayScale`; cancellation ends it.
    private func pause(retry: Int, headers: [(String, String)]?, reason: String, logger: Logger) async throws(TelnyxError) {
        let delay = RetryPolicy.delay(retryIndex: retry - 1, headers: headers) * options.retryDelayScale
        options.onRetry?(retry, delay, reason)
        logger.info("retrying in \(Clamp.milliseconds(delay)) ms after \(reason) (retry \(retry))")
        do {
            try await Task.sleep(for: .milliseconds(Clamp.milliseconds(delay)))
        } catch {
            throw TelnyxError(kind: .cancelled, message: "request cancelled")
        }
    }

    /// Closes the connection pool. Call once, after the last `send`.
    public func shutdown() async {
        await transport.shutdown()
    }

    /// Blocking `shutdown()` for callers outside async code; never call it from an event loop.
    public func syncShutdown() {
        transport.syncShutdown()
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
                out.removeAll { $0.0.lowercased() == name.lowercased() }
                out.append((name, value))
            }
        }
        return out
    }

    static func hasHeader(_ name: String, in headers: [(String, String)]) -> Bool {
        headers.contains { $0.0.lowercased() == name }
    }

    static func show(_ headers: [(String, String)], _ redactor: Redactor) -> String {
        headers.map { "\($0.0): \(redactor.redactHeader(name: $0.0, value: $0.1))" }.joined(separator: "; ")
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
