import AsyncHTTPClient
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// One HTTP exchange over AsyncHTTPClient, with every failure turned into a `TelnyxError`.
///
/// Why AsyncHTTPClient: it is built on SwiftNIO, so requests share a pool of keep-alive
/// connections (HTTP/1.1, and HTTP/2 when the server offers it over TLS); TLS goes through
/// swift-nio-ssl with certificate and hostname verification on by default, which this client never
/// turns off; many requests run truly concurrently on the event loops without a thread each; and
/// an exchange can be cancelled at any point, which the Lua scheduler relies on for Ctrl-C and
/// `task:cancel()`.
final class HTTPTransport: Sendable {
    /// Responses larger than this (1 GiB) are refused rather than buffered (recordings can be
    /// large): the call fails with `APIResponseValidationError`, which is not retried.
    static let maxResponseBytes = 1 << 30

    private let client: HTTPClient
    /// The body size limit of this transport; tests lower it.
    let responseLimit: Int
    /// The event loops exchanges run on, each with its own pooled connections.
    private let loops: [any EventLoop]
    /// Requests in flight, which decides the loop of the next one.
    private let inFlight = NIOLockedValueBox(0)

    init(connectTimeout: Double, maxConnectionsPerHost: Int, maxResponseBytes: Int = HTTPTransport.maxResponseBytes) {
        responseLimit = maxResponseBytes
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .milliseconds(Clamp.milliseconds(connectTimeout)))
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(maxConnectionsPerHost, 1))
        // Fail a refused connection at once: the client's own retry policy (counted, with backoff,
        // visible in logs) decides whether to try again, instead of a hidden loop until the
        // connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        // Redirects keep AsyncHTTPClient's default (follow up to 5): it drops `Authorization` when
        // a redirect leaves the origin, so the key never reaches another host.
        // Downloads must come back byte-exact, so no transparent decompression.
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        loops = Array(HTTPClient.defaultEventLoopGroup.makeIterator())
    }

    /// Starts one request and reads the whole response, within `timeout` seconds in all;
    /// `completion` runs once, on an event loop, with the response or a `TelnyxError`. Returns the
    /// exchange, to cancel (its completion then says `.cancelled`), or nil when the request
    /// failed before it could start (completion has already run).
    ///
    /// Why callbacks and not `async`: a call from Lua then costs two thread hops (the Lua thread
    /// hands the request to an event loop, the loop wakes the Lua thread with the answer), where
    /// a Swift task per request added hops to the concurrency pool and back: 19 to 21 context
    /// switches per call before, 3.5 now (docs/benchmarks.md).
    @discardableResult
    func start(
        method: String, url: String, headers: [(String, String)], body: [UInt8]?, timeout: Double,
        on loop: (any EventLoop)? = nil, completion: @escaping @Sendable (Result<APIResponse, TelnyxError>) -> Void
    ) -> HTTPClient.Task<APIResponse>? {
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: url, method: HTTPMethod(rawValue: method), headers: HTTPHeaders(headers),
                body: body.map { .bytes($0) })
        } catch {
            completion(.failure(Self.classify(error, timeout: timeout, headers: headers)))
            return nil
        }
        // The deadline covers the whole exchange, body included: a server that sends the head
        // and then drips the body a byte at a time cannot hold the request past it.
        let deadline = NIODeadline.now() + .milliseconds(Clamp.milliseconds(timeout))
        let task = client.execute(
            request: request, delegate: BodyCollector(limit: responseLimit),
            eventLoop: loop.map { .delegateAndChannel(on: $0) } ?? .indifferent, deadline: deadline)
        task.futureResult.whenComplete { result in
            completion(result.mapError { Self.classify($0, timeout: timeout, headers: headers) })
        }
        return task
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
    /// connection on the loop they run on (left to AsyncHTTPClient, half of them reached it
    /// through a second loop: one more thread hop per call); spread over every loop when many
    /// run at once, which one loop alone halved.
    func reserveLoop() -> (loop: any EventLoop, alone: Bool) {
        let running = inFlight.withLockedValue { count in
            defer { count += 1 }
            return count
        }
        return (loops[running % loops.count], running == 0)
    }

    /// Ends what `reserveLoop` counted.
    func release() { inFlight.withLockedValue { $0 -= 1 } }

    /// A response body that does not fit in what is left of --max-memory.
    struct OverBudget: Error {}

    /// Maps transport failures onto the SDK's error classes: timeouts, cancellation, and every
    /// other failure to reach or hear from the server as a connection error. No header value is
    /// ever quoted: AsyncHTTPClient's errors name only their kind (`shortDescription`; its full
    /// description lists rejected header values, escaped), and anything else is scrubbed of
    /// `headers`' values in every form a secret is masked in.
    static func classify(_ error: any Error, timeout: Double, headers: [(String, String)] = []) -> TelnyxError {
        if error is CancellationError || Task.isCancelled {
            return TelnyxError(kind: .cancelled, message: "request cancelled")
        }
        if let httpError = error as? HTTPClientError {
            let timeouts: [HTTPClientError] = [
                .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout,
            ]
            if timeouts.contains(httpError) {
                return TelnyxError(kind: .timeout, message: "Request timed out (after \(format(timeout)) s: \(httpError)).")
            }
            if httpError == .cancelled {
                return TelnyxError(kind: .cancelled, message: "request cancelled")
            }
        }
        if error is OverBudget {
            return TelnyxError(kind: .responseValidation, message: "Response body larger than what is left of --max-memory; not read.")
        }
        if let tooMany = error as? NIOTooManyBytesError {
            let limit = tooMany.maxBytes.map { "the \($0)-byte limit" } ?? "the size limit"
            return TelnyxError(kind: .responseValidation, message: "Response body larger than \(limit); not read.")
        }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return TelnyxError(kind: .timeout, message: "Request timed out while connecting (\(channelError)).")
        }
        let detail = (error as? HTTPClientError)?.shortDescription ?? "\(error)"
        return TelnyxError(kind: .connection, message: Redactor(secrets: headers.map(\.1)).redact("Connection error: \(detail)"))
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int(seconds)) : String(seconds)
    }

    /// Closes pooled connections; pending requests fail.
    func shutdown() async {
        try? await client.shutdown()
    }

    /// Blocking shutdown for non-async callers (the CLI's exit path). Never call it on an event loop.
    func syncShutdown() {
        try? client.syncShutdown()
    }
}
