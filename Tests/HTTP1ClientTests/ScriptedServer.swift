import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// A TCP server on 127.0.0.1 that answers each HTTP/1.1 request with whatever bytes the test
/// scripts, including broken ones, and records what arrived: requests, connections.
final class ScriptedServer: Sendable {
    struct Request: Sendable {
        var method: String
        var target: String
        var headers: [(String, String)]
        var body: [UInt8]
        /// Which accepted connection (0, 1, ...) carried it.
        var connection: Int

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    enum Action: Sendable {
        /// Sends the bytes, keeps the connection open.
        case send(String)
        /// Sends the bytes, then closes.
        case sendAndClose(String)
        /// Waits, then sends.
        case delayed(Double, String)
        /// Never answers.
        case hang
    }

    private struct State {
        var requests: [Request] = []
        var connections = 0
        var open = 0
        var mostOpen = 0
    }

    private let channel: any Channel
    private let state = NIOLockedValueBox(State())
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    var requests: [Request] { state.withLockedValue { $0.requests } }
    var connections: Int { state.withLockedValue { $0.connections } }
    var mostOpenAtOnce: Int { state.withLockedValue { $0.mostOpen } }
    /// Connections open now (closed by either side are no longer counted).
    var openConnections: Int { state.withLockedValue { $0.open } }

    /// Starts a server answering with `script` (the request, and its index among all requests).
    init(tls: NIOSSLContext? = nil, script: @escaping @Sendable (Request, Int) -> Action) async throws {
        let state = self.state
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let number = state.withLockedValue { state -> Int in
                    state.connections += 1
                    state.open += 1
                    state.mostOpen = max(state.mostOpen, state.open)
                    return state.connections - 1
                }
                channel.closeFuture.whenComplete { _ in state.withLockedValue { $0.open -= 1 } }
                do {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(Responder(connection: number, state: state, script: script))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress!.port!
    }

    func stop() async {
        try? await channel.close()
    }

    /// Parses requests out of the bytes as they come and runs the script for each.
    private final class Responder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let connection: Int
        let state: NIOLockedValueBox<State>
        let script: @Sendable (Request, Int) -> Action
        var pending: [UInt8] = []

        init(connection: Int, state: NIOLockedValueBox<State>, script: @escaping @Sendable (Request, Int) -> Action) {
            self.connection = connection
            self.state = state
            self.script = script
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += unwrapInboundIn(data).readableBytesView
            while let request = takeRequest() {
                let index = state.withLockedValue { state -> Int in
                    state.requests.append(request)
                    return state.requests.count - 1
                }
                let channel = context.channel
                switch script(request, index) {
                case .send(let text):
                    channel.writeAndFlush(channel.allocator.buffer(string: text), promise: nil)
                case .sendAndClose(let text):
                    channel.writeAndFlush(channel.allocator.buffer(string: text)).whenComplete { _ in channel.close(promise: nil) }
                case .delayed(let seconds, let text):
                    channel.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
                        channel.writeAndFlush(channel.allocator.buffer(string: text), promise: nil)
                    }
                case .hang:
                    break
                }
            }
        }

        /// One whole request from `pending` (head, then a Content-Length body), or nil.
        private func takeRequest() -> Request? {
            let marker: [UInt8] = [13, 10, 13, 10]
            guard pending.count >= 4, let end = (0...(pending.count - 4)).first(where: { Array(pending[$0..<$0 + 4]) == marker })
            else { return nil }
            let lines = String(decoding: pending[..<end], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
            let requestLine = lines[0].split(separator: " ")
            let headers = lines.dropFirst().map { line -> (String, String) in
                let colon = line.firstIndex(of: ":")!
                return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
            }
            let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
            guard pending.count >= end + 4 + length else { return nil }
            let body = Array(pending[(end + 4)..<(end + 4 + length)])
            pending.removeFirst(end + 4 + length)
            return Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body,
                           connection: connection)
        }
    }
}

/// `HTTP/1.1 <status>` with a body and its Content-Length, plus `extra` header lines.
func response(_ status: Int, _ body: String = "", _ extra: [String] = []) -> String {
    (["HTTP/1.1 \(status) X", "Content-Length: \(body.utf8.count)"] + extra).joined(separator: "\r\n") + "\r\n\r\n" + body
}
