import NIOCore

/// The byte-level guard at the front of each connection's pipeline: it closes connections that
/// send a request too slowly, or stay silent with nothing owed to them, so a client cannot hold
/// a server's sockets (and the memory behind them) for as long as it likes. The sandbox and
/// `telnyx-lua serve` both put one in front of their HTTP handlers.
///
/// - From the first byte of a request until its end has been read, `requestReadTimeout` runs;
///   when it fires the client is sent `408 Request Timeout` and disconnected. It covers the
///   head and the body, so neither a header sent a byte at a time nor a dripped body outlasts it.
/// - While no answer is due, a connection silent for `idleTimeout` is closed. A delayed answer
///   (the latency fault) does not count as idleness: the client is waiting for the sandbox.
///
/// The HTTP handler behind it (same channel, same event loop) tells the guard when a request has been read
/// and when its answer has gone out; bytes are seen here, before the HTTP decoder.
public final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer
    private let readTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    /// Bytes of a request have arrived whose end has not.
    private var reading = false
    /// Requests read whose answer has not been sent yet.
    private var owed = 0
    /// Set while a refused body (already answered 413) is drained: the read deadline then
    /// closes the connection without a 408 of its own.
    private var quiet = false
    private var readDeadline: Scheduled<Void>?
    private var idleDeadline: Scheduled<Void>?

    /// A guard that gives a request `readTimeout` seconds to arrive whole, and closes a
    /// connection owed nothing after `idleTimeout` silent seconds.
    public init(readTimeout: Double, idleTimeout: Double) {
        self.readTimeout = Self.timeAmount(readTimeout)
        self.idleTimeout = Self.timeAmount(idleTimeout)
    }

    /// Seconds as a TimeAmount, clamped to 1 ms ... 1 day (NaN: 1 ms).
    public static func timeAmount(_ seconds: Double) -> TimeAmount {
        let ms = seconds.isNaN ? 1 : min(max(seconds * 1000, 1), 86_400_000)
        return .milliseconds(Int64(ms))
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { armIdle() }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
        self.context = nil
    }

    public func channelActive(context: ChannelHandlerContext) {
        armIdle()
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !reading {
            reading = true
            // A pipelined request waits behind the answers owed; its clock starts once they are out.
            if owed == 0 { armRead() }
        }
        if owed == 0 { armIdle() }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if owed == 0 { armIdle() }
        context.write(data, promise: promise)
    }

    /// A whole request has been read: its clock stops, and an answer is owed.
    public func requestRead() {
        reading = false
        owed += 1
        readDeadline?.cancel()
        readDeadline = nil
        idleDeadline?.cancel()
        idleDeadline = nil
    }

    /// A refused body is being drained after its 413.
    public func draining() {
        quiet = true
    }

    /// The refused body has been drained: the connection waits for its next request.
    public func drainFinished() {
        quiet = false
        reading = false
        readDeadline?.cancel()
        readDeadline = nil
        if owed == 0 { armIdle() }
    }

    /// An answer has been sent (or dropped with its connection).
    public func answerSent() {
        owed = max(owed - 1, 0)
        guard owed == 0 else { return }
        // A refused body being drained gets no longer than a request would have had.
        if reading || quiet { armRead() }
        armIdle()
    }

    private func armRead() {
        readDeadline?.cancel()
        readDeadline = schedule(after: readTimeout) { guardHandler, context in
            guardHandler.readDeadline = nil
            guard guardHandler.owed == 0 else { return }
            if guardHandler.quiet { return context.close(promise: nil) }
            // Written below the HTTP encoder: the request never reached it, so no answer is
            // half-written, and the client learns why it was cut off.
            let text = "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
                + "content-length: \(Self.timeoutBody.utf8.count)\r\n\r\n\(Self.timeoutBody)"
            let channel = context.channel
            context.writeAndFlush(NIOAny(channel.allocator.buffer(string: text))).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }

    private func armIdle() {
        idleDeadline?.cancel()
        idleDeadline = schedule(after: idleTimeout) { guardHandler, context in
            guardHandler.idleDeadline = nil
            guard guardHandler.owed == 0 else { return }
            if guardHandler.reading {
                // A stalled request is the read deadline's to answer; it fires no later.
                return
            }
            context.close(promise: nil)
        }
    }

    private func schedule(
        after delay: TimeAmount, _ body: @escaping (ConnectionGuard, ChannelHandlerContext) -> Void
    ) -> Scheduled<Void>? {
        guard let context else { return nil }
        let bound = NIOLoopBound((self, context, body), eventLoop: context.eventLoop)
        return context.eventLoop.scheduleTask(in: delay) {
            let (guardHandler, context, body) = bound.value
            guard guardHandler.context != nil else { return }
            body(guardHandler, context)
        }
    }

    private func cancelTimers() {
        readDeadline?.cancel()
        idleDeadline?.cancel()
        readDeadline = nil
        idleDeadline = nil
    }

    public static let timeoutBody =
        #"{"errors":[{"code":"10015","title":"Request timeout","detail":"The request was not received in time; the connection is closed."}]}"#
}
