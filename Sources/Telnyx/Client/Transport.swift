import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// One HTTP exchange over AsyncHTTPClient, with every failure turned into a `TelnyxError`.
///
/// Why AsyncHTTPClient: it is built on SwiftNIO, so requests share a pool of keep-alive
/// connections (HTTP/1.1, and HTTP/2 when the server offers it over TLS); TLS goes through
/// swift-nio-ssl with certificate and hostname verification on by default, which this client never
/// turns off; many requests run truly concurrently on the event loops without a thread each; and
/// its async `execute` cancels the request when the awaiting task is cancelled, which the Lua
/// scheduler relies on for Ctrl-C and `task:cancel()`.
final class HTTPTransport: Sendable {
    /// Responses larger than this (1 GiB) are refused rather than buffered (recordings can be
    /// large): the call fails with `APIResponseValidationError`, which is not retried.
    static let maxResponseBytes = 1 << 30

    private let client: HTTPClient
    /// The body size limit of this transport; tests lower it.
    let responseLimit: Int

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
    }

    /// Sends one request and reads the whole response, within `timeout` seconds in all.
    func perform(
        method: String, url: String, headers: [(String, String)], body: [UInt8]?, timeout: Double
    ) async throws(TelnyxError) -> APIResponse {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        request.headers = HTTPHeaders(headers)
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let deadline = NIODeadline.now() + .milliseconds(Clamp.milliseconds(timeout))
        do {
            let response = try await client.execute(request, deadline: deadline)
            // A body announced larger than the budget has left is refused before it is read.
            if MemoryHold.limit != 0, let length = response.headers.first(name: "content-length").flatMap(Int.init),
               length > MemoryHold.limit - MemoryHold.used {
                throw OverBudget()
            }
            let (bytes, hold) = try await Self.collect(response.body, upTo: responseLimit, deadline: deadline)
            return APIResponse(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: bytes,
                memoryHold: hold)
        } catch {
            throw Self.classify(error, timeout: timeout, headers: headers)
        }
    }

    /// Reads the whole body, failing with `deadlineExceeded` when it has not all arrived by
    /// `deadline`. AsyncHTTPClient's deadline only covers the response head, so without this a
    /// server that sends the head and then drips the body a byte at a time would hold the request
    /// (and the Lua task waiting on it) for as long as it kept dripping. Losing the race cancels
    /// the read, which closes the connection.
    static func collect(
        _ body: HTTPClientResponse.Body, upTo limit: Int, deadline: NIODeadline
    ) async throws -> ([UInt8], MemoryHold?) {
        try await withThrowingTaskGroup(of: ([UInt8], MemoryHold?)?.self) { group in
            group.addTask { try await collectCounted(body, upTo: limit) }
            group.addTask {
                let remaining = max((deadline - NIODeadline.now()).nanoseconds, 0)
                try await Task.sleep(nanoseconds: UInt64(remaining))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let collected = first else {
                throw HTTPClientError.deadlineExceeded
            }
            return collected
        }
    }

    /// Reads the body chunk by chunk, counting it in the process's memory budget as it grows,
    /// so that under `--max-memory` a large body (or many at once) fails before it is held.
    private static func collectCounted(_ body: HTTPClientResponse.Body, upTo limit: Int) async throws -> ([UInt8], MemoryHold?) {
        guard MemoryHold.limit != 0 else {
            var buffer = try await body.collect(upTo: limit)
            return (buffer.readBytes(length: buffer.readableBytes) ?? [], nil)
        }
        // Each chunk is copied out at once (a ByteBuffer slice keeps the decoder's whole buffer
        // alive) and the copies are joined once at the end into an array of the exact size (a
        // growing array holds up to twice its count, uncounted). The join needs the body twice
        // for a moment; that is counted too.
        var chunks: [[UInt8]] = []
        var total = 0
        let received = MemoryHold.empty()
        for try await chunk in body {
            guard total + chunk.readableBytes <= limit else { throw NIOTooManyBytesError(maxBytes: limit) }
            guard received.grow(by: chunk.readableBytes) else { throw OverBudget() }
            total += chunk.readableBytes
            chunks.append(Array(chunk.readableBytesView))
        }
        let joined = MemoryHold.empty()
        guard joined.grow(by: total) else { throw OverBudget() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        for chunk in chunks { bytes.append(contentsOf: chunk) }
        return (bytes, joined)
    }

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
