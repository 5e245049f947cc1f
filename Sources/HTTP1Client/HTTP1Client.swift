import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A small HTTP/1.1 client on SwiftNIO, written for one job: many short JSON exchanges with a
/// few hosts, as cheaply per call as the socket allows.
///
/// Connections are kept alive and pooled per origin (`ConnectionPool`); TLS goes through
/// swift-nio-ssl with certificate and hostname verification on (the default configuration,
/// which nothing here turns off); every exchange has a deadline covering all of it and can be
/// cancelled at any point; redirects are followed (at most 5) without carrying credentials to
/// another origin, unless turned off. It replaced AsyncHTTPClient, whose general machinery
/// (HTTP/2, a request state machine per exchange, Foundation's URL) cost more than half the
/// instructions of a call and 5.6 MB of the binary (docs/benchmarks.md).
public final class HTTP1Client: Sendable {
    public struct Configuration: Sendable {
        public var connectTimeout: TimeAmount
        public var idleTimeout: TimeAmount
        /// Connections open at once to one origin; more requests wait for one to be free.
        public var maxConnectionsPerHost: Int
        public var followRedirects: Bool
        /// nil: the system's trust roots, full verification.
        public var tls: TLSConfiguration?

        public init(connectTimeout: TimeAmount = .seconds(10), idleTimeout: TimeAmount = .seconds(60),
                    maxConnectionsPerHost: Int = 64, followRedirects: Bool = true, tls: TLSConfiguration? = nil) {
            self.connectTimeout = connectTimeout
            self.idleTimeout = idleTimeout
            self.maxConnectionsPerHost = max(maxConnectionsPerHost, 1)
            self.followRedirects = followRedirects
            self.tls = tls
        }
    }

    static let maxRedirects = 5

    let configuration: Configuration
    let pool: ConnectionPool
    /// The loops exchanges run on.
    public let group: any EventLoopGroup

    /// A client on `group` (by default NIO's shared loops, one per core).
    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, configuration: Configuration = .init()) {
        self.group = group
        self.configuration = configuration
        pool = ConnectionPool(configuration: configuration)
    }

    /// Sends `request` and feeds the response to `sink`; `completion` runs once, on an event
    /// loop, when the response has ended or the exchange failed. The whole exchange (a place in
    /// line, connecting, sending, reading, redirects) must end by `deadline`. Runs on `loop`'s
    /// connections when it has an idle one (any loop of the group by default).
    ///
    /// A request that cannot be sent (bad URL, header or method) fails before any connection:
    /// `completion` has then already run, with that error.
    @discardableResult
    public func execute(
        _ request: HTTP1Request, sink: any ResponseSink, deadline: NIODeadline, on loop: (any EventLoop)? = nil,
        completion: @escaping @Sendable (Result<Void, HTTP1Error>) -> Void
    ) -> HTTP1Exchange? {
        let url: HTTP1URL
        do throws(HTTP1Error) {
            url = try HTTP1URL(request.url)
            try Self.check(request)
        } catch {
            completion(.failure(error))
            return nil
        }
        let run = ExchangeRun(request: request, url: url, sink: sink, loop: loop ?? group.next(), client: self,
                              completion: completion)
        run.arm(deadline: deadline)
        pool.acquire(for: run, origin: url.origin)
        return HTTP1Exchange(run)
    }

    /// `execute` for async callers that want the whole response (at most `limit` bytes of
    /// body); cancelling the awaiting task cancels the exchange.
    public func perform(_ request: HTTP1Request, timeout: TimeAmount, limit: Int = 1 << 20) async throws(HTTP1Error) -> HTTP1Response {
        let sink = CollectingSink(limit: limit)
        let exchange = NIOLockedValueBox<HTTP1Exchange?>(nil)
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, HTTP1Error>, Never>) in
                let started = execute(request, sink: sink, deadline: .now() + timeout) { continuation.resume(returning: $0) }
                exchange.withLockedValue { $0 = started }
                if Task.isCancelled { started?.cancel() }
            }
        } onCancel: {
            exchange.withLockedValue { $0 }?.cancel()
        }
        try outcome.get()
        return sink.response
    }

    /// Fails waiting exchanges and closes idle connections; new ones fail with `.shutDown`.
    public func shutdown() {
        pool.shutdown()
    }

    /// Refuses what cannot go on the wire as it is: a method or header name that is not a
    /// token, a value that would end its header line early.
    static func check(_ request: HTTP1Request) throws(HTTP1Error) {
        guard HTTPSyntax.isToken(request.method) else { throw .invalidMethod }
        for (name, value) in request.headers {
            guard HTTPSyntax.isToken(name) else { throw .invalidHeader(name: HTTPSyntax.isFieldValue(name) ? name : "?") }
            guard HTTPSyntax.isFieldValue(value) else { throw .invalidHeader(name: name) }
        }
    }
}

/// Gathers a whole response (at most `limit` bytes of body); called on one loop at a time, then
/// read after the completion (which orders the accesses), hence `@unchecked Sendable`.
public final class CollectingSink: ResponseSink, @unchecked Sendable {
    private let limit: Int
    /// The response, once the exchange completed.
    public private(set) var response = HTTP1Response(status: 0, headers: [], body: [])

    public init(limit: Int) { self.limit = limit }

    public func head(status: Int, headers: HTTPHeaders) throws(HTTP1Error) {
        response.status = status
        response.headers = headers.map { ($0.name, $0.value) }
    }

    public func body(_ part: ByteBuffer) throws(HTTP1Error) {
        guard response.body.count + part.readableBytes <= limit else {
            throw .refused("response body larger than \(limit) bytes")
        }
        response.body.append(contentsOf: part.readableBytesView)
    }

    public func end() throws(HTTP1Error) {}
}
