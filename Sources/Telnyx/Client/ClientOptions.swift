import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a `TelnyxClient` talks to the API. Defaults follow the official SDKs: 60 s timeout, 5 s
/// connect timeout, 2 retries, base URL `https://api.telnyx.com/v2`.
///
/// `description` never shows the API key, client secret or any header value that carries a
/// credential, so options can be printed or logged safely.
public struct ClientOptions: Sendable, CustomStringConvertible {
    /// The default API root.
    public static let defaultBaseURL = "https://api.telnyx.com/v2"

    /// Sent as `Authorization: Bearer <apiKey>`. Takes precedence over OAuth credentials.
    public var apiKey: String?
    /// Why the API key given (by the environment, a config file, `configure`) was refused, naming
    /// where it came from; set by `setAPIKey`. While set and no key overrides it, every request
    /// fails with this message as an authentication error, and nothing is sent.
    public var apiKeyProblem: String?
    /// OAuth2 client-credentials ID, used when no API key is set.
    public var clientID: String?
    /// OAuth2 client secret.
    public var clientSecret: String?
    /// The API root; paths are appended to it (`{baseURL}/phone_numbers`).
    public var baseURL: String
    /// Whole-attempt deadline in seconds: connecting, sending and reading the full response.
    public var timeout: Double
    /// Seconds allowed to establish a connection.
    public var connectTimeout: Double
    /// Retries after the first attempt (so `2` means up to 3 attempts).
    public var maxRetries: Int
    /// Headers added to every request; a request's own headers win.
    public var defaultHeaders: [(String, String)]
    /// Multiplies every computed retry delay. 1 in production; tests set it tiny so the retry
    /// rules can be exercised without waiting seconds. Not read from the environment on purpose.
    public var retryDelayScale: Double
    /// HTTP/1 connections kept per host. 64 lets 64 requests in flight each have a connection
    /// while still reusing them (keep-alive) across calls.
    public var maxConnectionsPerHost: Int
    /// Where request logs go; `TelnyxLogging.disabled` unless `TELNYX_LOG` set a level.
    public var logger: Logger
    /// Called before each retry with the 1-based retry number, the delay about to be slept and
    /// the reason (status or transport error). Lets callers observe retries without logs.
    public var onRetry: (@Sendable (_ retry: Int, _ delay: Double, _ reason: String) -> Void)?

    /// Options with explicit values; nothing is read from the environment.
    public init(
        apiKey: String? = nil, clientID: String? = nil, clientSecret: String? = nil,
        baseURL: String = ClientOptions.defaultBaseURL, timeout: Double = 60, connectTimeout: Double = 5,
        maxRetries: Int = 2, defaultHeaders: [(String, String)] = [], retryDelayScale: Double = 1,
        maxConnectionsPerHost: Int = 64, logger: Logger = TelnyxLogging.disabled
    ) {
        self.apiKey = apiKey
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.baseURL = baseURL
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxRetries = maxRetries
        self.defaultHeaders = defaultHeaders
        self.retryDelayScale = retryDelayScale
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.logger = logger
    }

    /// Options from the environment: `TELNYX_API_KEY`, `TELNYX_CLIENT_ID`,
    /// `TELNYX_CLIENT_SECRET`, `TELNYX_BASE_URL`, `TELNYX_LOG`. `environment` defaults to the
    /// process's; tests pass a dictionary.
    public static func fromEnvironment(_ environment: [String: String]? = nil) -> ClientOptions {
        let read: (String) -> String? = { name in
            let value = environment.map { $0[name] } ?? getenv(name).map { String(cString: $0) }
            return value.flatMap { $0.isEmpty ? nil : $0 }
        }
        var options = ClientOptions(
            clientID: read("TELNYX_CLIENT_ID"), clientSecret: read("TELNYX_CLIENT_SECRET"),
            baseURL: read("TELNYX_BASE_URL") ?? ClientOptions.defaultBaseURL)
        // Trimmed (a key read from a file ends with a newline); refused with a reason when a
        // control character or whitespace is left inside.
        if let key = read("TELNYX_API_KEY") { options.setAPIKey(key, source: "TELNYX_API_KEY") }
        if let level = TelnyxLogging.level(fromEnvironment: read("TELNYX_LOG")) {
            options.logger = TelnyxLogging.stderrLogger(level: level)
        }
        return options
    }

    /// The secrets these options hold, for a `Redactor`.
    var secrets: [String?] { [apiKey, clientSecret] }

    /// e.g. `ClientOptions(baseURL: https://api.telnyx.com/v2, apiKey: [REDACTED], ...)`.
    public var description: String {
        let redactor = Redactor(secrets: secrets)
        let headers = defaultHeaders.map { "\($0.0): \(redactor.redactHeader(name: $0.0, value: $0.1))" }
        return "ClientOptions(baseURL: \(baseURL), apiKey: \(apiKey == nil ? "none" : Redactor.mask), "
            + "oauth: \(clientID == nil ? "none" : "client \(clientID!), secret \(Redactor.mask)"), "
            + "timeout: \(timeout)s, connectTimeout: \(connectTimeout)s, maxRetries: \(maxRetries), "
            + "defaultHeaders: [\(headers.joined(separator: ", "))])"
    }
}

/// Overrides of `ClientOptions` for one call; nil fields keep the client's value.
public struct RequestOptions: Sendable, CustomStringConvertible {
    /// Whole-attempt deadline in seconds.
    public var timeout: Double?
    /// Retries after the first attempt.
    public var maxRetries: Int?
    /// Headers added after the client's defaults and the request's own (these win).
    public var headers: [(String, String)]
    /// A different API key for this call.
    public var apiKey: String?
    /// A different API root for this call.
    public var baseURL: String?

    /// Overrides; every parameter is optional.
    public init(
        timeout: Double? = nil, maxRetries: Int? = nil, headers: [(String, String)] = [],
        apiKey: String? = nil, baseURL: String? = nil
    ) {
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.headers = headers
        self.apiKey = apiKey
        self.baseURL = baseURL
    }

    /// The overrides with credentials masked.
    public var description: String {
        let redactor = Redactor(secrets: [apiKey])
        var parts: [String] = []
        if let timeout { parts.append("timeout: \(timeout)s") }
        if let maxRetries { parts.append("maxRetries: \(maxRetries)") }
        if let baseURL { parts.append("baseURL: \(baseURL)") }
        if apiKey != nil { parts.append("apiKey: \(Redactor.mask)") }
        if !headers.isEmpty {
            let shown = headers.map { "\($0.0): \(redactor.redactHeader(name: $0.0, value: $0.1))" }
            parts.append("headers: [\(shown.joined(separator: ", "))]")
        }
        return "RequestOptions(\(parts.joined(separator: ", ")))"
    }
}
