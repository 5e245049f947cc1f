/// Everything that shapes one sandbox run: where it listens, how much it seeds, which token it
/// wants and which faults it injects. `telnyx-lua --sandbox` and `telnyx-sandbox` both build one.
public struct SandboxConfiguration: Sendable {
    /// The address to bind; loopback by default so the sandbox is never reachable from outside.
    public var host: String
    /// The port to bind; 0 asks the kernel for a free one (`start()` returns it).
    public var port: Int
    /// Seeds every generated value, so two runs with the same seed answer the same bytes.
    public var seed: UInt64
    /// How many phone numbers exist at start. They are derived from their index, not stored,
    /// so a million costs no more memory than a hundred.
    public var phoneNumbers: Int
    /// The bearer token required; nil accepts any non-empty token.
    public var apiKey: String?
    /// The faults injected from the start (the admin endpoint can change them later).
    public var faults: FaultSettings

    /// A configuration with the defaults of the command line.
    public init(
        host: String = "127.0.0.1", port: Int = 0, seed: UInt64 = 42, phoneNumbers: Int = 100,
        apiKey: String? = nil, faults: FaultSettings = FaultSettings()
    ) {
        self.host = host
        self.port = port
        self.seed = seed
        self.phoneNumbers = phoneNumbers
        self.apiKey = apiKey
        self.faults = faults
    }

    /// Added latency per response, in milliseconds (a shortcut into `faults`).
    public var latencyMs: Int {
        get { faults.latencyMs }
        set { faults.latencyMs = newValue }
    }

    /// Random extra latency of up to this many milliseconds (a shortcut into `faults`).
    public var jitterMs: Int {
        get { faults.jitterMs }
        set { faults.jitterMs = newValue }
    }
}

/// The faults the sandbox injects. Rates are probabilities per request (0...1).
public struct FaultSettings: Sendable, Equatable {
    /// Fixed delay before each response, scheduled on the event loop (never a blocking sleep).
    public var latencyMs: Int
    /// Uniform random extra delay of 0...jitterMs.
    public var jitterMs: Int
    /// Share of requests answered 500 in Telnyx's error format.
    public var errorRate: Double
    /// Requests allowed per second before 429 with Retry-After; nil is unlimited.
    public var rateLimit: Int?
    /// Share of requests whose connection is closed without an answer.
    public var resetRate: Double
    /// Share of responses cut in half while the Content-Length promises the whole body.
    public var truncateRate: Double
    /// Share of requests answered 429 with `Retry-After: 1`, whatever the rate limit says.
    public var throttleRate: Double

    /// No faults unless given.
    public init(
        latencyMs: Int = 0, jitterMs: Int = 0, errorRate: Double = 0, rateLimit: Int? = nil,
        resetRate: Double = 0, truncateRate: Double = 0, throttleRate: Double = 0
    ) {
        self.latencyMs = latencyMs
        self.jitterMs = jitterMs
        self.errorRate = errorRate
        self.rateLimit = rateLimit
        self.resetRate = resetRate
        self.truncateRate = truncateRate
        self.throttleRate = throttleRate
    }
}
