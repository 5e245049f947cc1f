import NIOCore
import NIOHTTP1
import NIOSSL

/// One kept-alive HTTP/1.1 connection: a channel whose pipeline is [TLS], the HTTP/1.1 codec
/// and `ResponseReader`. It runs one exchange at a time; between exchanges it waits in the
/// pool.
///
/// Everything but `channel`, `origin` and `loop` is touched only on `loop` (hence
/// `@unchecked Sendable`): `start` hops there, the reader runs there.
final class Connection: @unchecked Sendable {
    let channel: any Channel
    let origin: Origin
    var loop: any EventLoop { channel.eventLoop }
    private let pool: ConnectionPool
    /// The exchange whose response is being read.
    private(set) var current: ExchangeRun?

    init(channel: any Channel, origin: Origin, pool: ConnectionPool) {
        self.channel = channel
        self.origin = origin
        self.pool = pool
    }

    /// Sends `exchange`'s request (hopping to the connection's loop when called elsewhere).
    func start(_ exchange: ExchangeRun) {
        if loop.inEventLoop { send(exchange) } else { loop.execute { self.send(exchange) } }
    }

    private func send(_ exchange: ExchangeRun) {
        // The server closed this idle connection and its close is not processed yet: nothing
        // was sent, so the request looks for another connection (this one leaves the pool when
        // its close is).
        guard channel.isActive else {
            if exchange.detach() { pool.acquire(for: exchange, origin: origin) }
            return
        }
        current = exchange
        let request = exchange.request
        let url = exchange.url
        var headers = HTTPHeaders()
        headers.reserveCapacity(request.headers.count + 2)
        headers.add(name: "Host", value: url.hostHeader)
        for (name, value) in request.headers where !HTTPSyntax.sameName(name, "Host") {
            headers.add(name: name, value: value)
        }
        let method = HTTPMethod(rawValue: request.method.uppercased())
        if let body = request.body {
            headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
        } else if method == .POST || method == .PUT || method == .PATCH {
            headers.replaceOrAdd(name: "Content-Length", value: "0")
        }
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: url.target, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body = request.body, !body.isEmpty {
            channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: body))), promise: nil)
        }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    /// The response to the current exchange ended: the connection goes back to the pool (or is
    /// closed when the server asked to), then the exchange completes, so that a caller who
    /// sends its next request at once finds the connection idle.
    func responseEnded(keepAlive: Bool) {
        guard let exchange = current else { return }
        current = nil
        if keepAlive && !exchange.isFinished {
            pool.release(self)
        } else {
            channel.close(promise: nil)
        }
        exchange.responseEnded()
    }

    /// Closes the connection under an exchange that was cancelled or timed out: what is left
    /// of its response can no longer be told apart from the next one's.
    func abort() {
        channel.close(promise: nil)
    }

    /// The channel closed or failed: the exchange in progress fails with `error`.
    func failed(_ error: HTTP1Error) {
        guard let exchange = current else { return }
        current = nil
        exchange.fail(error)
    }
}

/// Reads responses for its `Connection`: hands the head and body to the exchange's sink,
/// follows redirects, and tells the pool when the channel closes. Made before the channel, then
/// used only on the channel's loop (hence `@unchecked Sendable`).
final class ResponseReader: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    /// Set once the channel is up (the pipeline is built before the connection exists).
    var connection: Connection?
    private var keepAlive = true
    private let pool: ConnectionPool

    init(pool: ConnectionPool) { self.pool = pool }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Bytes nobody asked for: the connection cannot be trusted with the next request.
        guard let connection, let exchange = connection.current else { return context.close(promise: nil) }
        do throws(HTTP1Error) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                keepAlive = head.isKeepAlive
                // An interim 1xx response never reaches here: the decoder drops it.
                if try exchange.redirect(status: Int(head.status.code), headers: head.headers) { return }
                try exchange.sink.head(status: Int(head.status.code), headers: head.headers)
            case .body(let part):
                if exchange.discardingRedirect == nil { try exchange.sink.body(part) }
            case .end:
                if exchange.discardingRedirect == nil { try exchange.sink.end() }
                connection.responseEnded(keepAlive: keepAlive)
                keepAlive = true
            }
        } catch {
            connection.failed(error)
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        connection?.failed(Self.classify(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let connection {
            connection.failed(.connectionClosed)
            pool.closed(connection)
        }
        context.fireChannelInactive()
    }

    /// What a pipeline error means to the caller.
    static func classify(_ error: any Error) -> HTTP1Error {
        if let error = error as? HTTP1Error { return error }
        if let error = error as? HTTPParserError {
            // The connection closed in the middle of a response.
            if error == .invalidEOFState { return .connectionClosed }
            return .malformedResponse("\(error)")
        }
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError { return .tls("\(error)") }
        if let error = error as? ChannelError, case .eof = error { return .connectionClosed }
        return .connectFailed("\(error)")
    }
}
