import NIOCore

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
    /// What one client may make the sandbox hold or wait for; see `SandboxLimits`.
    public var limits: SandboxLimits
    /// How simulated calls and messages deliver their webhooks (retries, faults); see Simulation/.
    public var webhooks = WebhookSettings()
    /// Like Prism's default: no store and no simulation; every method answers a record generated
    /// from its response schema, so any well-formed id is found. Stateful is the default.
    public var stateless = false

    /// A configuration with the defaults of the command line.
    public init(
        host: String = "127.0.0.1", port: Int = 0, seed: UInt64 = 42, phoneNumbers: Int = 100,
        apiKey: String? = nil, faults: FaultSettings = FaultSettings(), limits: SandboxLimits = SandboxLimits()
    ) {
        self.host = host
        self.port = port
        self.seed = seed
        self.phoneNumbers = phoneNumbers
        self.apiKey = apiKey
        self.faults = faults
        self.limits = limits
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

/// Resource bounds, so that no client (a runaway script, a hostile peer, a benchmark) can grow
/// the sandbox's memory or hold its connections without end. The sandbox often runs inside
/// `telnyx-lua --sandbox`, where its memory is the script runner's memory too.
public struct SandboxLimits: Sendable, Equatable {
    /// The largest request body accepted; a larger one is answered 413 (before it is read when
    /// Content-Length announces it) and its connection closed.
    public var maxBodyBytes: Int
    /// Requests the request log keeps (the oldest go first).
    public var logEntries: Int
    /// Bytes the request log keeps, counting each entry's method, path, query and body.
    public var logBytes: Int
    /// The part of each request body the log keeps.
    public var logBodyBytes: Int
    /// Seconds from the first byte of a request until all of it (head and body) has arrived;
    /// a slower client is answered 408 and disconnected (slow-header attacks).
    public var requestReadTimeout: Double
    /// Seconds a connection may stay silent (no byte either way) while no answer is due;
    /// longer than the clients' own pool timeout (60 s) so that they close first.
    public var idleTimeout: Double

    /// The defaults: 16 MiB bodies, a log of 10,000 entries within 16 MiB, 30 s to send a
    /// request, 75 s of idleness.
    public init(
        maxBodyBytes: Int = 16 << 20, logEntries: Int = 10_000, logBytes: Int = 16 << 20, logBodyBytes: Int = 64 << 10,
        requestReadTimeout: Double = 30, idleTimeout: Double = 75
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.logEntries = logEntries
        self.logBytes = logBytes
        self.logBodyBytes = logBodyBytes
        self.requestReadTimeout = requestReadTimeout
        self.idleTimeout = idleTimeout
    }
}
