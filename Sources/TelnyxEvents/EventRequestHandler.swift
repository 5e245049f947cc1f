import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import ServerSupport
import Telnyx

/// One connection of the event server. For each request, in this order: size limit (413),
/// shutting down (503), then a route (signature unless the route opts out, then queued with its
/// answer pending) or a webhook delivery (POST only; signature, a JSON object, redelivery
/// check, queued, acknowledged at once). Queue full: 503 with Retry-After, so the sender comes
/// back rather than the delivery being lost.
final class EventRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// What every connection shares.
    struct Shared: Sendable {
        let settings: EventServerSettings
        let inbox: EventInbox
        let verifier: SignatureVerifier?
        let log: @Sendable (String) -> Void
        /// Bytes of bodies being received, on all connections: before its signature can be
        /// checked a body is only held, and all of them together stay within `maxQueuedBytes`.
        let receiving = NIOLockedValueBox(0)
    }

    private let shared: Shared
    private let connectionGuard: ConnectionGuard
    private var reader: RequestReader

    init(shared: Shared, connectionGuard: ConnectionGuard) {
        self.shared = shared
        self.connectionGuard = connectionGuard
        reader = RequestReader(limit: shared.settings.maxBodyBytes, drainLimit: shared.settings.maxBodyBytes * 8)
    }

    /// This connection's share of `shared.receiving`.
    private var holding = 0

    private func release() {
        guard holding > 0 else { return }
        let amount = holding
        holding = 0
        shared.receiving.withLockedValue { $0 -= amount }
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .body(let chunk) = part, !reader.isDraining {
            let limit = shared.settings.maxQueuedBytes
            let admitted = shared.receiving.withLockedValue { total -> Bool in
                guard total + chunk.readableBytes <= limit else { return false }
                total += chunk.readableBytes
                return true
            }
            guard admitted else {
                // Too much is arriving at once on all connections: this one goes, not the memory.
                release()
                shared.log(EventLog.line(what: "connection", call: nil, outcome: "closed", detail: "bodies being received exceed \(limit) bytes"))
                return context.close(promise: nil)
            }
            holding += chunk.readableBytes
        }
        switch reader.read(part) {
        case .reading:
            break
        case .drained:
            connectionGuard.drainFinished()
        case .cutOff:
            context.close(promise: nil)
        case .tooLarge(let requestHead):
            release()
            refuseTooLarge(requestHead, context: context)
        case .complete(let requestHead, let body):
            release()  // from here the inbox's own bounds count it
            connectionGuard.requestRead()
            handle(requestHead, body: body, context: context)
        }
    }

    private func refuseTooLarge(_ requestHead: HTTPRequestHead, context: ChannelHandlerContext) {
        connectionGuard.requestRead()
        connectionGuard.draining()
        shared.log(EventLog.line(what: "\(requestHead.method.rawValue) \(requestHead.uri)", call: nil, outcome: "413",
                                 detail: "body over \(shared.settings.maxBodyBytes) bytes"))
        send(EventInbox.Response(status: 413, headers: Self.json, body: Self.errorBody("Request body too large",
            "the body is larger than \(shared.settings.maxBodyBytes) bytes")), keepAlive: requestHead.isKeepAlive, version: requestHead.version,
            context: context)
    }

    private func handle(_ requestHead: HTTPRequestHead, body: [UInt8], context: ChannelHandlerContext) {
        let (path, query) = RequestReader.split(requestHead.uri)
        let method = requestHead.method.rawValue
        let headers = requestHead.headers.map { ($0.name.lowercased(), $0.value) }
        let keepAlive = requestHead.isKeepAlive
        let version = requestHead.version
        func answer(_ status: Int, _ title: String, _ detail: String, extra: [(String, String)] = []) {
            send(EventInbox.Response(status: status, headers: Self.json + extra, body: Self.errorBody(title, detail)),
                 keepAlive: keepAlive, version: version, context: context)
        }

        if shared.inbox.isStopped {
            return answer(503, "Service unavailable", "the server is stopping", extra: [("retry-after", "5")])
        }
        let route = shared.inbox.route(for: path)
        if route == nil && method != "POST" {
            return answer(404, "Not found", "no route serves \(method) \(path); webhook deliveries are POSTed")
        }
        if route?.verify ?? true, let verifier = shared.verifier,
            let refusal = verifier.verify(body: body, header: { name in requestHead.headers.first(name: name) })
        {
            shared.log(EventLog.line(what: "\(method) \(path)", call: nil, outcome: "401", detail: refusal.code))
            return answer(401, "Unauthorized", refusal.reason)
        }
        if route != nil {
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            do {
                try shared.inbox.offer(kind: .route, method: method, path: path, query: query, headers: headers, body: body) { response in
                    loop.execute {
                        let (handler, context) = bound.value
                        handler.send(response, keepAlive: keepAlive, version: version, context: context)
                    }
                }
            } catch {
                answer(503, "Service unavailable", error == .full ? "too many requests waiting" : "the server is stopping",
                       extra: [("retry-after", "1")])
            }
            return
        }
        guard let envelope = try? JSONValue.parse(body), case .object = envelope else {
            shared.log(EventLog.line(what: "POST \(path)", call: nil, outcome: "400", detail: "not a JSON object"))
            return answer(400, "Bad request", "the body is not a JSON object (a Telnyx webhook envelope)")
        }
        let data = envelope["data"] ?? envelope
        if let id = data["id"]?.stringValue, id.utf8.count > EventInbox.maxEventIDBytes {
            shared.log(EventLog.line(what: "POST \(path)", call: nil, outcome: "400", detail: "event id too long"))
            return answer(400, "Bad request", "data.id is longer than \(EventInbox.maxEventIDBytes) bytes")
        }
        if let id = data["id"]?.stringValue, shared.inbox.isRedelivery(of: id) {
            let payload = data["payload"]
            let call = payload?["call_control_id"]?.stringValue ?? payload?["id"]?.stringValue
            shared.log(EventLog.line(what: data["event_type"]?.stringValue ?? "event", call: call, outcome: "duplicate",
                                     detail: "id \(id) ran already"))
            return send(EventInbox.Response(status: 200, headers: Self.json, body: Array(#"{"received":true,"duplicate":true}"#.utf8)),
                        keepAlive: keepAlive, version: version, context: context)
        }
        do {
            try shared.inbox.offer(kind: .delivery, method: method, path: path, query: query, headers: headers, body: body)
        } catch {
            return answer(503, "Service unavailable", error == .full ? "too many deliveries waiting" : "the server is stopping",
                          extra: [("retry-after", "1")])
        }
        send(EventInbox.Response(status: 200, headers: Self.json, body: Array(#"{"received":true}"#.utf8)),
             keepAlive: keepAlive, version: version, context: context)
    }

    private static let json = [("content-type", "application/json")]

    private static func errorBody(_ title: String, _ detail: String) -> [UInt8] {
        JSONValue.object(["errors": .array([.object(["title": .string(title), "detail": .string(detail)])])]).jsonBytes
    }

    private func send(_ response: EventInbox.Response, keepAlive: Bool, version: HTTPVersion, context: ChannelHandlerContext) {
        defer { connectionGuard.answerSent() }
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders()
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        headers.replaceOrAdd(name: "content-length", value: String(response.body.count))
        let close = !keepAlive
        headers.replaceOrAdd(name: "connection", value: close ? "close" : "keep-alive")
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
        if close && !reader.isDraining {
            let channel = context.channel
            promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
