import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Telnyx

/// The tests' own webhook receiver: a small NIO HTTP server on loopback that records every
/// request, checks its Ed25519 signature against the sandbox's published key, and answers each
/// path with what the test set (a status, a TeXML document), 200 "ok" otherwise.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        let method: String
        let path: String
        let query: String
        let headers: [(String, String)]
        let body: [UInt8]
        let verified: Bool
        var json: JSONValue? { try? JSONValue.parse(body) }
        var eventType: String? { json?["data"]?["event_type"]?.stringValue }
        var payload: JSONValue? { json?["data"]?["payload"] }
        /// Form fields (POST body, or the query of a GET).
        var form: [String: String] {
            let text = method == "GET" ? query : String(decoding: body, as: UTF8.self)
            var out: [String: String] = [:]
            for pair in text.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map {
                    String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
                }
                out[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            return out
        }
    }

    private struct State {
        var received: [Received] = []
        var routes: [String: (status: Int, contentType: String, body: String, delayMs: Int)] = [:]
    }

    private let publicKey: [UInt8]
    private let state = NIOLockedValueBox(State())
    private let channel = NIOLockedValueBox<Channel?>(nil)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// A receiver that verifies with `publicKeyBase64` (the sandbox's `/__sandbox/public_key`).
    init(publicKeyBase64: String) {
        publicKey = Array(Data(base64Encoded: publicKeyBase64) ?? Data())
    }

    /// Binds a free loopback port and returns the base URL.
    func start() async throws -> String {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(ReceiverHandler(receiver: self))
                }
            }
        let bound = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        channel.withLockedValue { $0 = bound }
        return "http://127.0.0.1:\(bound.localAddress?.port ?? 0)"
    }

    func stop() async throws {
        try? await channel.withLockedValue { $0 }?.close()
        try await group.shutdownGracefully()
    }

    /// Answers `path` with `status` and `body` from now on.
    func respond(_ path: String, status: Int = 200, contentType: String = "application/xml", body: String = "", delayMs: Int = 0) {
        state.withLockedValue { $0.routes[path] = (status, contentType, body, delayMs) }
    }

    var received: [Received] { state.withLockedValue { $0.received } }

    /// Whether `signature` (base64) over `timestamp|body` verifies with the public key.
    func verify(timestamp: String?, signature: String?, body: [UInt8]) -> Bool {
        guard let timestamp, let signature, let bytes = Data(base64Encoded: signature),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)
        else { return false }
        return key.isValidSignature(bytes, for: Array((timestamp + "|").utf8) + body)
    }

    fileprivate func handle(_ head: HTTPRequestHead, body: [UInt8]) -> (Int, String, String, Int) {
        let headers = head.headers.map { ($0.name.lowercased(), $0.value) }
        let timestamp = headers.first { $0.0 == "telnyx-timestamp" }?.1
        let signature = headers.first { $0.0 == "telnyx-signature-ed25519" }?.1
        let question = head.uri.firstIndex(of: "?")
        let path = question.map { String(head.uri[..<$0]) } ?? head.uri
        let query = question.map { String(head.uri[head.uri.index(after: $0)...]) } ?? ""
        let record = Received(method: head.method.rawValue, path: path, query: query, headers: headers, body: body,
                              verified: verify(timestamp: timestamp, signature: signature, body: body))
        return state.withLockedValue { s in
            s.received.append(record)
            let route = s.routes[path] ?? (200, "text/plain", "ok", 0)
            return (route.status, route.contentType, route.body, route.delayMs)
        }
    }

    /// Waits until `predicate` holds for the received requests (or fails after `seconds`).
    @discardableResult
    func wait(seconds: Double = 10, file: StaticString = #filePath, line: UInt = #line,
              _ what: String, until predicate: ([Received]) -> Bool) async throws -> [Received] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let now = received
            if predicate(now) { return now }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        struct Timeout: Error, CustomStringConvertible { let description: String }
        let seen = received.map { "\($0.method) \($0.path) \($0.eventType ?? "")" }.joined(separator: "\n")
        throw Timeout(description: "timed out waiting for \(what); received:\n\(seen)")
    }

    /// The call or message events received at `path`, in order.
    func events(at path: String? = nil) -> [Received] {
        received.filter { $0.eventType != nil && (path == nil || $0.path == path) }
    }
}

private final class ReceiverHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let receiver: WebhookReceiver
    var head: HTTPRequestHead?
    var body: [UInt8] = []

    init(receiver: WebhookReceiver) { self.receiver = receiver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = []
        case .body(let chunk): body += chunk.readableBytesView
        case .end:
            guard let head else { return }
            let (status, type, text, delayMs) = receiver.handle(head, body: body)
            guard delayMs == 0 else {
                // A slow receiver: the answer comes late, on the event loop.
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(delayMs))) {
                    bound.value.0.answer(context: bound.value.1, head: head, status: status, type: type, text: text)
                }
                return
            }
            answer(context: context, head: head, status: status, type: type, text: text)
        }
    }

    private func answer(context: ChannelHandlerContext, head: HTTPRequestHead, status: Int, type: String, text: String) {
        var headers = HTTPHeaders([("content-type", type), ("content-length", String(text.utf8.count))])
        headers.add(name: "connection", value: head.isKeepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .init(statusCode: status), headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
        let keepAlive = head.isKeepAlive
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }
}
