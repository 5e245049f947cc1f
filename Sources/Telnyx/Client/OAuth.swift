/// OAuth2 client-credentials tokens: fetched from `POST {base}/oauth/token` with
/// `grant_type=client_credentials` and HTTP Basic client authentication, cached until 10 s before
/// `expires_in` (as the Python SDK's `OAuth2ClientCredentials` does), and fetched once for many
/// concurrent callers rather than once per caller.
actor OAuthTokenProvider {
    /// Sends the token request; the client passes its transport so the same pool and timeouts apply.
    typealias Fetch = @Sendable (_ url: String, _ headers: [(String, String)], _ body: [UInt8]) async throws(TelnyxError) -> APIResponse

    private let clientID: String
    private let clientSecret: String
    private let fetch: Fetch
    private var token: String?
    private var expiresAt: ContinuousClock.Instant?
    private var inFlight: Task<(String, ContinuousClock.Instant), any Error>?

    init(clientID: String, clientSecret: String, fetch: @escaping Fetch) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.fetch = fetch
    }

    /// The cached token, if any, for redaction (a token must never reach a log).
    var currentToken: String? { token }

    /// Drops the cached token so the next call fetches a new one (after a 401 on an expired token).
    func invalidate() {
        token = nil
        expiresAt = nil
    }

    /// Whether the cached token is missing or within 10 s of expiry.
    var isExpired: Bool {
        guard token != nil, let expiresAt else { return true }
        return ContinuousClock.now > expiresAt - .seconds(10)
    }

    /// A valid access token, fetching one from `{baseURL}/oauth/token` when needed.
    func accessToken(baseURL: String) async throws(TelnyxError) -> String {
        if let token, !isExpired { return token }
        let task: Task<(String, ContinuousClock.Instant), any Error>
        if let existing = inFlight {
            task = existing
        } else {
            let (id, secret, fetch) = (clientID, clientSecret, fetch)
            task = Task { try await Self.requestToken(baseURL: baseURL, id: id, secret: secret, fetch: fetch) }
            inFlight = task
        }
        defer { inFlight = nil }
        do {
            let (fresh, expiry) = try await task.value
            token = fresh
            expiresAt = expiry
            return fresh
        } catch let error as TelnyxError {
            throw error
        } catch {
            throw TelnyxError(kind: .cancelled, message: "request cancelled while fetching an OAuth token")
        }
    }

    private static func requestToken(
        baseURL: String, id: String, secret: String, fetch: Fetch
    ) async throws(TelnyxError) -> (String, ContinuousClock.Instant) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        let headers = [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", "Basic " + Base64.encode(Array("\(id):\(secret)".utf8))),
            ("Accept", "application/json"),
        ]
        let response = try await fetch(base + "/oauth/token", headers, Array("grant_type=client_credentials".utf8))
        let redactor = Redactor(secrets: [secret])
        guard response.status == 200 else {
            var error = TelnyxError.fromResponse(response, redactor: redactor)
            error.message = "OAuth token request failed: " + error.message
            throw error
        }
        let body = try response.json()
        guard let token = body["access_token"]?.stringValue, !token.isEmpty else {
            throw TelnyxError(
                kind: .authentication, message: "OAuth token response has no access_token", status: response.status,
                requestID: response.requestID)
        }
        let lifetime = body["expires_in"]?.doubleValue ?? 3600
        return (token, ContinuousClock.now + .milliseconds(Clamp.milliseconds(lifetime)))
    }
}
