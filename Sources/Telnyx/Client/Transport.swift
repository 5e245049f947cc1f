#if canImport(Glibc)
import Glibc
#endif
import HTTP1Client
import NIOConcurrencyHelpers
import NIOCore

/// One HTTP exchange over `HTTP1Client`, with every failure turned into a `TelnyxError`.
///
/// Why this client: requests share a pool of keep-alive connections on SwiftNIO's event loops;
/// TLS goes through swift-nio-ssl with certificate and hostname verification on, which this
/// client never turns off; many requests run truly concurrently without a thread each; and an
/// exchange can be cancelled at any point, which the Lua scheduler relies on for Ctrl-C and
/// `task:cancel()`. Redirects are followed (up to 5) and drop `Authorization` when they leave
/// the origin, so the key never reaches another host.
final class HTTPTransport: Sendable {
    /// Responses larger than this (1 GiB) are refused rather than buffered (recordings can be
    /// large): the call fails with `APIResponseValidationError`, which is not retried.
    static let maxResponseBytes = 1 << 30

    private let client: HTTP1Client
    /// The body size limit of this transport; tests lower it.
    let responseLimit: Int
    /// The event loops exchanges run on, each with its own pooled connections.
    private let loops: [any EventLoop]
    /// Requests in flight, which decides the loop of the next one.
    private let inFlight = NIOLockedValueBox(0)

    init(connectTimeout: Double, maxConnectionsPerHost: Int, maxResponseBytes: Int = HTTPTransport.maxResponseBytes) {
        responseLimit = maxResponseBytes
        // A refused connection fails at once: the client's own retry policy (counted, with
        // backoff, visible in logs) decides whether to try again. Downloads come back
        // byte-exact: nothing asks for or undoes compression.
        client = HTTP1Client(configuration: .init(
            connectTimeout: .milliseconds(Clamp.milliseconds(connectTimeout)), idleTimeout: .seconds(60),
            maxConnectionsPerHost: maxConnectionsPerHost))
        loops = Array(client.group.makeIterator())
        handoffs = loops.map { _ in NIOLockedValueBox(Handoff()) }
    }

    /// Starts one request and reads the whole response, within `timeout` seconds in all;
    /// `completion` runs once, on an event loop, with the response or a `TelnyxError`. Returns the
    /// exchange, to cancel (its completion then says `.cancelled`), or nil when the request
    /// failed before it could start (completion has already run).
    ///
    /// Why callbacks and not `async`: a call from Lua then costs two thread hops (the Lua thread
    /// hands the request to an event loop, the loop hands the answer back), where a Swift task
    /// per request added hops to the concurrency pool and back: 19 to 21 context switches per
    /// call then, about one now that neither side sleeps between calls made one after another
    /// (`linger`, and the Lua thread's spin in RequestEngine; docs/benchmarks.md).
    @discardableResult
    func start(
        method: String, url: String, headers: [(String, String)], body: [UInt8]?, timeout: Double,
        on loop: (any EventLoop)? = nil, completion: @escaping @Sendable (Result<APIResponse, TelnyxError>) -> Void
    ) -> HTTP1Exchange? {
        // The deadline covers the whole exchange, body included: a server that sends the head
        // and then drips the body a byte at a time cannot hold the request past it.
        let deadline = NIODeadline.now() + .milliseconds(Clamp.milliseconds(timeout))
        let collector = BodyCollector(limit: responseLimit)
        return client.execute(
            HTTP1Request(method: method, url: url, headers: headers, body: body), sink: collector, deadline: deadline,
            on: loop
        ) { result in
            completion(result.map { collector.response }.mapError { Self.classify($0, timeout: timeout, headers: headers) })
        }
    }

    /// `start` for async callers (the OAuth token fetch); cancelling the awaiting task cancels
    /// the exchange.
    func perform(
        method: String, url: String, headers: [(String, String)], body: [UInt8]?, timeout: Double
    ) async throws(TelnyxError) -> APIResponse {
        try await awaitExchange { completion -> (@Sendable () -> Void)? in
            guard let exchange = start(method: method, url: url, headers: headers, body: body, timeout: timeout,
                                       completion: completion) else { return nil }
            return { exchange.cancel() }
        }
    }

    /// The loop for a new request, counted in flight until `release`: the first loop while
    /// nothing else is in flight, so calls made one after another always find their kept-alive
    /// connection on the loop they run on (the pool prefers a connection of the request's own
    /// loop); spread over every loop when many run at once, which one loop alone halved.
    func reserveLoop() -> any EventLoop {
        let running = inFlight.withLockedValue { count in
            defer { count += 1 }
            return count
        }
        return loops[running % loops.count]
    }

    /// Ends what `reserveLoop` counted; true when nothing else is in flight.
    @discardableResult
    func release() -> Bool {
        inFlight.withLockedValue { count in
            count -= 1
            return count == 0
        }
    }

    /// Per loop: whether the loop is lingering for the next request (`linger`), and the request
    /// handed to it meanwhile.
    private struct Handoff {
        var lingering = false
        var work: (@Sendable () -> Void)?
    }

    private let handoffs: [NIOLockedValueBox<Handoff>]

    /// Runs `work` on `loop`: handed straight to the loop when it is lingering for it, else
    /// queued with `execute` (which must wake the loop: a write to its eventfd and, on the loop's
    /// side, a context switch).
    func submit(on loop: any EventLoop, _ work: @escaping @Sendable () -> Void) {
        let index = loops.firstIndex { $0 === loop } ?? 0
        let taken = handoffs[index].withLockedValue { handoff -> Bool in
            guard handoff.lingering, handoff.work == nil else { return false }
            handoff.work = work
            return true
        }
        if !taken { loop.execute(work) }
    }

    /// How long a loop that just answered the only request in flight waits, awake, for the
    /// next one: a script calling one request after another sends it within this time, and
    /// the loop then needs no wake-up.
    static let lingerSeconds = 0.000_15

    /// Called on `loop` right after the answer to the only request in flight was handed over:
    /// watches for the next request `lingerSeconds`, and runs it here if it comes.
    func linger(on loop: any EventLoop) {
        guard let index = loops.firstIndex(where: { $0 === loop }) else { return }
        let box = handoffs[index]
        box.withLockedValue { $0.lingering = true }
        let end = NIODeadline.now() + .nanoseconds(Int64(Self.lingerSeconds * 1e9))
        var work: (@Sendable () -> Void)?
        while true {
            let done = NIODeadline.now() >= end
            work = box.withLockedValue { handoff in
                if handoff.work != nil || done { handoff.lingering = false }
                defer { if handoff.work != nil { handoff.work = nil } }
                return handoff.work
            }
            if work != nil || done { break }
            sched_yield()  // on a busy machine, let the thread that brings the work run
        }
        work?()
    }

    /// Maps transport failures onto the SDK's error classes: timeouts, cancellation, a refused
    /// body, and every other failure to reach or hear from the server as a connection error.
    /// `HTTP1Error` never quotes a header value; the message is scrubbed of `headers`' values all
    /// the same, in every form a secret is masked in.
    static func classify(_ error: HTTP1Error, timeout: Double, headers: [(String, String)] = []) -> TelnyxError {
        switch error {
        case .cancelled:
            return TelnyxError(kind: .cancelled, message: "request cancelled")
        case .deadlineExceeded:
            return TelnyxError(kind: .timeout, message: "Request timed out (after \(format(timeout)) s).")
        case .connectTimeout:
            return TelnyxError(kind: .timeout, message: "Request timed out while connecting.")
        case .refused(let why):
            return TelnyxError(kind: .responseValidation, message: why)
        case .invalidHeader, .invalidMethod, .invalidURL:
            // As the SDKs (httpx refuses these before sending): a connection error, saying why.
            return TelnyxError(kind: .connection, message: "Request not sent: \(error).")
        default:
            return TelnyxError(kind: .connection, message: Redactor(secrets: headers.map(\.1)).redact("Connection error: \(error)"))
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int(seconds)) : String(seconds)
    }

    /// Closes idle connections; requests waiting for one fail.
    func shutdown() {
        client.shutdown()
    }
}
