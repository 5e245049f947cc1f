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
            var buffer = try await Self.collect(response.body, upTo: responseLimit, deadline: deadline)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            return APIResponse(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: bytes)
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
    ) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: limit) }
            group.addTask {
                let remaining = max((deadline - NIODeadline.now()).nanoseconds, 0)
                try await Task.sleep(nanoseconds: UInt64(remaining))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else {
                throw HTTPClientError.deadlineExceeded
            }
            return buffer
        }
    }

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
