import NIOCore
import NIOHTTP1
import NIOPosix
import ServerSupport

/// One connection's HTTP/1.1 handler: gathers a request, asks the core, and writes the answer,
/// after the fault injector's delay (scheduled on the event loop, never a blocking sleep), or
/// resets or truncates it. Pipelining assistance upstream keeps answers in request order.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let core: SandboxCore
    private let connectionGuard: ConnectionGuard?
    private var reader: RequestReader

    init(core: SandboxCore, connectionGuard: ConnectionGuard? = nil) {
        self.core = core
        self.connectionGuard = connectionGuard
        // Enough of a refused body is drained for a client uploading a little too much to read
        // its 413 cleanly; the read timeout (ConnectionGuard) bounds the time it may take.
        reader = RequestReader(limit: core.limits.maxBodyBytes, drainLimit: max(core.limits.maxBodyBytes, 1 << 20) * 8)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch reader.read(unwrapInboundIn(data)) {
        case .reading:
            break
        case .drained:
            connectionGuard?.drainFinished()
        case .cutOff:
            context.close(promise: nil)
        case .tooLarge(let requestHead):
            refuseTooLarge(requestHead, context: context)
        case .complete(let requestHead, let bytes):
            connectionGuard?.requestRead()
            let (path, query) = RequestReader.split(requestHead.uri)
            let ip = context.channel.remoteAddress?.ipAddress ?? ""
            let request = IncomingRequest(
                method: requestHead.method.rawValue, path: path, rawQuery: query,
                headers: requestHead.headers.map { ($0.name.lowercased(), $0.value) }, body: bytes,
                fromLoopback: ip == "127.0.0.1" || ip == "::1" || ip.hasPrefix("127.") || ip == "::ffff:127.0.0.1")
            let reply = core.handle(request)
            let keepAlive = requestHead.isKeepAlive
            if reply.delayMs > 0 {
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(reply.delayMs))) {
                    let (handler, context) = bound.value
                    handler.send(reply, keepAlive: keepAlive, version: requestHead.version, context: context)
                }
            } else {
                send(reply, keepAlive: keepAlive, version: requestHead.version, context: context)
            }
        }
    }

    /// Answers 413 at once; the reader drains the rest of the body. The body is never
    /// gathered, so a 100 MB upload costs no more memory than the limit.
    private func refuseTooLarge(_ requestHead: HTTPRequestHead, context: ChannelHandlerContext) {
        connectionGuard?.requestRead()
        connectionGuard?.draining()
        let limit = core.limits.maxBodyBytes
        var reply = Reply.error(
            413, code: "10015", title: "Request body too large",
            detail: "The request body is larger than the sandbox accepts (\(limit) bytes).")
        let (path, query) = RequestReader.split(requestHead.uri)
        reply.logNumber = core.log.begin(method: requestHead.method.rawValue, path: path, query: query, body: [])
        // Keep-alive as asked: an HTTP client still uploading treats `connection: close` on an
        // early answer as the end of the connection and reports an I/O error, not the 413.
        send(reply, keepAlive: requestHead.isKeepAlive, version: requestHead.version, context: context)
    }

    private func send(_ reply: Reply, keepAlive: Bool, version: HTTPVersion, context: ChannelHandlerContext) {
        let connectionGuard = self.connectionGuard
        defer { connectionGuard?.answerSent() }
        guard context.channel.isActive else {
            if let number = reply.logNumber { core.log.finish(number, status: 0) }
            return
        }
        if reply.action == .reset {
            if let number = reply.logNumber { core.log.finish(number, status: 0) }
            // Linger 0 makes close send a TCP RST: the client sees a reset, not a clean EOF.
            let channel = context.channel
            if let provider = channel as? SocketOptionProvider {
                provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
            } else {
                channel.close(promise: nil)
            }
            return
        }
        var headers = HTTPHeaders()
        if let type = reply.contentType { headers.add(name: "content-type", value: type) }
        headers.add(name: "content-length", value: String(reply.body.count))
        for (name, value) in reply.extraHeaders { headers.add(name: name, value: value) }
        let truncate = reply.action == .truncate && reply.body.count > 1
        let close = !keepAlive || truncate
        headers.add(name: "connection", value: close ? "close" : "keep-alive")
        let status = HTTPResponseStatus(statusCode: reply.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
        let sent = truncate ? reply.body.prefix(reply.body.count / 2) : reply.body[...]
        if !sent.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: sent.count)
            buffer.writeBytes(sent)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let core = self.core
        let number = reply.logNumber
        let code = reply.status
        if truncate {
            // Not `.end`: the message is incomplete by design, and the connection goes with it.
            let channel = context.channel
            context.flush()
            channel.close(promise: nil)
            if let number { core.log.finish(number, status: code) }
            return
        }
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
        // A refused upload may still be arriving: closing now, with its bytes unread, would reset
        // the connection and could destroy the 413 before the client reads it. The reader decides.
        if close && !reader.isDraining {
            let channel = context.channel
            promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
        if let number {
            promise.futureResult.whenComplete { _ in core.log.finish(number, status: code) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
