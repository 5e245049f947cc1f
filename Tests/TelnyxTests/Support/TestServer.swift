import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP/1.1 server on 127.0.0.1 for the client tests: each request is recorded, answered
/// by a scriptable handler (optionally after a delay, or never), and counted, including the
/// largest number of requests being handled at the same moment and the connections accepted.
final class TestServer: Sendable {
    /// A request as the server received it.
    struct Recorded: Sendable {
        var method: String
        var uri: String
        var headers: [(String, String)]
        var body: [UInt8]

        /// The path without the query.
        var path: String { String(uri.split(separator: "?", maxSplits: 1).first ?? "") }
        /// The raw (still encoded) query string.
        var rawQuery: String { uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? "" }
        /// The query as decoded `(key, value)` pairs, in order.
        var queryPairs: [(String, String)] {
            rawQuery.split(separator: "&").map { item in
                let parts = item.split(separator: "=", maxSplits: 1).map { percentDecode(String($0)) }
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }
        }
        /// The first value of a header, compared case-insensitively.
        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    /// What to answer.
    struct Reply: Sendable {
        var status: Int = 200
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        var body: [UInt8] = Array(#"{"data":{}}"#.utf8)
        /// Seconds to wait before answering.
        var delay: Double = 0
        /// Never answer (for timeouts and cancellation).
        var hang = false
        /// How the body goes onto the socket.
        var delivery: Delivery = .whole

        /// Ways to send a body, the last two misbehaving at the socket level.
        enum Delivery: Sendable {
            /// Head and body at once, the connection kept alive.
            case whole
            /// The head with the full Content-Length, then only the first `bytes` of the body,
            /// then the connection is closed.
            case cutAfter(bytes: Int)
            /// The head with the full Content-Length, then the body one byte every `interval`
            /// seconds, until it is all sent or the client goes away.
            case drip(interval: Double)
        }

        static func json(_ status: Int, _ text: String, headers: [(String, String)] = []) -> Reply {
            Reply(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8))
        }
    }

    /// Answers the `n`th request (0-based) the server has seen.
    typealias Handler = @Sendable (_ request: Recorded, _ index: Int) -> Reply

    private struct State {
        var requests: [Recorded] = []
        var inFlight = 0
        var maxInFlight = 0
        var connections = 0
        var dripped = 0
        var children: [any Channel] = []
    }

    private let state = NIOLockedValueBox(State())
    private let handler: Handler
    private let channel = NIOLockedValueBox<(any Channel)?>(nil)

    private init(handler: @escaping Handler) {
        self.handler = handler
    }

    /// Starts a server on an ephemeral loopback port.
    static func start(_ handler: @escaping Handler = { _, _ in Reply() }) async throws -> TestServer {
        let server = TestServer(handler: handler)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelInitializer { channel in
                server.state.withLockedValue {
                    $0.connections += 1
                    $0.children.append(channel)
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(server: server))
                }
            }
        let listening = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        server.channel.withLockedValue { $0 = listening }
        return server
    }

    /// `http://127.0.0.1:<port>/v2`, the base URL clients are given.
    var baseURL: String { "http://127.0.0.1:\(port)/v2" }

    /// The port the server listens on.
    var port: Int { channel.withLockedValue { $0?.localAddress?.port ?? 0 } }

    /// Every request received, in arrival order.
    var requests: [Recorded] { state.withLockedValue { $0.requests } }
    /// How many requests arrived.
    var count: Int { state.withLockedValue { $0.requests.count } }
    /// The most requests that were being handled at one time.
    var maxInFlight: Int { state.withLockedValue { $0.maxInFlight } }
    /// TCP connections accepted.
    var connections: Int { state.withLockedValue { $0.connections } }
    /// Body bytes sent by `.drip` replies, over all requests.
    var drippedBytes: Int { state.withLockedValue { $0.dripped } }

    /// Closes the listener and every accepted connection.
    func stop() async {
        let (listener, children) = (
            channel.withLockedValue { $0 }, state.withLockedValue { $0.children }
        )
        for child in children { try? await child.close() }
        try? await listener?.close()
    }

    fileprivate func begin(_ request: Recorded) -> Reply {
        let index = state.withLockedValue { state -> Int in
            state.requests.append(request)
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            return state.requests.count - 1
        }
        return handler(request, index)
    }

    fileprivate func end() {
        state.withLockedValue { $0.inFlight -= 1 }
    }

    fileprivate func countDripped() {
        state.withLockedValue { $0.dripped += 1 }
    }
}

/// Collects one request (head + body) and answers it through the server's handler.
private final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: TestServer
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(server: TestServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return }
            let recorded = TestServer.Recorded(
                method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                body: body)
            let reply = server.begin(recorded)
            if reply.hang { return }
            let respond = { [server] in
                var headers = HTTPHeaders(reply.headers)
                headers.replaceOrAdd(name: "Content-Length", value: String(reply.body.count))
                let responseHead = HTTPResponseHead(
                    version: head.version, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)
                context.write(self.wrapOutboundOut(.head(responseHead)), promise: nil)
                switch reply.delivery {
                case .whole:
                    context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: reply.body)))), promise: nil)
                    context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
                    server.end()
                case .cutAfter(let count):
                    let part = reply.body.prefix(max(count, 0))
                    context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: part)))), promise: nil)
                    context.close(promise: nil)
                    server.end()
                case .drip(let interval):
                    context.flush()
                    self.drip(reply.body[...], every: interval, context: context)
                }
            }
            if reply.delay > 0 {
                context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(reply.delay * 1000))) {
                    respond()
                }
            } else {
                respond()
            }
        }
    }
}

extension RequestHandler {
    /// Sends the first byte of `rest` now and schedules the next, until none is left (then ends
    /// the response) or the client has closed the connection.
    fileprivate func drip(_ rest: ArraySlice<UInt8>, every interval: Double, context: ChannelHandlerContext) {
        guard context.channel.isActive else {
            server.end()
            return
        }
        guard let byte = rest.first else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            server.end()
            return
        }
        server.countDripped()
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: [byte])))), promise: nil)
        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(interval * 1000))) {
            self.drip(rest.dropFirst(), every: interval, context: context)
        }
    }
}

/// Decodes `%XX` escapes (and `+` as a space, as HTML forms do).
func percentDecode(_ text: String) -> String {
    var out: [UInt8] = []
    var bytes = Array(text.utf8)[...]
    while let byte = bytes.popFirst() {
        if byte == UInt8(ascii: "%"), bytes.count >= 2,
            let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16)
        {
            out.append(value)
            bytes = bytes.dropFirst(2)
        } else {
            out.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
        }
    }
    return String(decoding: out, as: UTF8.self)
}
