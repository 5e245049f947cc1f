/// Everything that shapes one `telnyx-lua serve` listener: where it listens, whose signatures it
/// accepts, and how much a client may make it hold.
public struct EventServerSettings: Sendable {
    /// The address to bind; loopback unless asked otherwise (a tunnel or proxy forwards to it).
    public var host: String
    /// The port to bind; 0 asks the kernel for a free one.
    public var port: Int
    /// The Ed25519 public key deliveries must be signed with (32 raw bytes); nil only with
    /// `insecure`.
    public var publicKey: [UInt8]?
    /// Accept unsigned deliveries (`--insecure`): for a local experiment, never for the internet.
    public var insecure: Bool
    /// How far a delivery's `telnyx-timestamp` may be from now, in seconds (Telnyx: 300).
    public var timestampTolerance: Double
    /// The largest request body accepted (413 beyond). Telnyx's deliveries are a few kilobytes.
    public var maxBodyBytes: Int
    /// Requests accepted but not yet taken by the handlers; beyond either bound the server
    /// answers 503 with Retry-After, and Telnyx delivers again later. Nothing accepted is lost.
    public var maxQueued: Int
    public var maxQueuedBytes: Int
    /// Event ids remembered to run a redelivered event only once.
    public var rememberedEventIDs: Int
    /// Open connections at once; more are closed on arrival.
    public var maxConnections: Int
    /// Seconds a request may take to arrive whole (408 beyond), and a silent connection may stay.
    public var requestReadTimeout: Double
    public var idleTimeout: Double

    public init(
        host: String = "127.0.0.1", port: Int = 8080, publicKey: [UInt8]? = nil, insecure: Bool = false,
        timestampTolerance: Double = 300, maxBodyBytes: Int = 1 << 20, maxQueued: Int = 10_000,
        maxQueuedBytes: Int = 64 << 20, rememberedEventIDs: Int = 100_000, maxConnections: Int = 1024,
        requestReadTimeout: Double = 10, idleTimeout: Double = 20
    ) {
        self.host = host
        self.port = port
        self.publicKey = publicKey
        self.insecure = insecure
        self.timestampTolerance = timestampTolerance
        self.maxBodyBytes = maxBodyBytes
        self.maxQueued = maxQueued
        self.maxQueuedBytes = maxQueuedBytes
        self.rememberedEventIDs = rememberedEventIDs
        self.maxConnections = maxConnections
        self.requestReadTimeout = requestReadTimeout
        self.idleTimeout = idleTimeout
    }
}
