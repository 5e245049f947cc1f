import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Receives one response, on the event loop of the connection that reads it, one call at a
/// time: the head, the body parts, then `end`. Throwing `HTTP1Error` from any of them aborts
/// the exchange with that error (the connection is closed, since its response was not read out).
public protocol ResponseSink: AnyObject {
    func head(status: Int, headers: HTTPHeaders) throws(HTTP1Error)
    func body(_ part: ByteBuffer) throws(HTTP1Error)
    func end() throws(HTTP1Error)
}

/// A request in progress, returned by `HTTP1Client.execute`: cancel it from any thread.
public final class HTTP1Exchange: Sendable {
    private let run: ExchangeRun
    init(_ run: ExchangeRun) { self.run = run }

    /// Aborts the exchange wherever it is (waiting for a connection, connecting, sending,
    /// reading); its completion then reports `.cancelled`, unless it had already finished.
    public func cancel() { run.fail(.cancelled) }
}

/// One exchange from request to completion, following redirects. Its state is shared between
/// the connection's event loop (which reads the response) and whoever cancels it or whose
/// deadline fires, so every change of state goes through the lock; the sink is only ever called
/// from the connection's loop.
final class ExchangeRun: @unchecked Sendable {
    enum Phase {
        /// Waiting for a connection: queued in the pool or connecting.
        case waiting
        case running(Connection)
        case finished
    }

    private(set) var request: HTTP1Request
    private(set) var url: HTTP1URL
    let sink: any ResponseSink
    /// The loop preferred for the connection (the caller's, so an answer needs no hop).
    let loop: any EventLoop
    private let client: HTTP1Client
    private let completion: @Sendable (Result<Void, HTTP1Error>) -> Void
    private let phase = NIOLockedValueBox(Phase.waiting)
    private var deadlineTask: Scheduled<Void>?
    /// Redirects followed so far.
    private var redirects = 0
    /// Set while a redirect's body is read and thrown away (on the connection's loop).
    var discardingRedirect: HTTP1URL?

    init(request: HTTP1Request, url: HTTP1URL, sink: any ResponseSink, loop: any EventLoop, client: HTTP1Client,
         completion: @escaping @Sendable (Result<Void, HTTP1Error>) -> Void) {
        self.request = request
        self.url = url
        self.sink = sink
        self.loop = loop
        self.client = client
        self.completion = completion
    }

    /// Arms the deadline; call once, before the exchange is handed to the pool.
    func arm(deadline: NIODeadline) {
        deadlineTask = loop.scheduleTask(deadline: deadline) { [self] in fail(.deadlineExceeded) }
    }

    var isFinished: Bool {
        phase.withLockedValue { if case .finished = $0 { return true } else { return false } }
    }

    /// Hands the exchange a connection: false when it finished meanwhile (cancelled, timed
    /// out), and the caller keeps the connection.
    func attach(_ connection: Connection) -> Bool {
        phase.withLockedValue { phase in
            guard case .waiting = phase else { return false }
            phase = .running(connection)
            return true
        }
    }

    /// Back to waiting: for the next hop of a redirect, or to find another connection when the
    /// one it was given closed before the request went out.
    func detach() -> Bool {
        phase.withLockedValue { phase in
            guard case .running = phase else { return false }
            phase = .waiting
            return true
        }
    }

    /// Ends the exchange with `error`, once: the connection it ran on is closed (its response
    /// was not read out), a place in the pool's queue is given up.
    func fail(_ error: HTTP1Error) {
        let previous = phase.withLockedValue { phase -> Phase in
            defer { phase = .finished }
            return phase
        }
        switch previous {
        case .finished: return
        case .running(let connection): connection.abort()
        case .waiting: client.pool.withdraw(self)
        }
        deadlineTask?.cancel()
        completion(.failure(error))
    }

    /// The response ended (on the connection's loop, after the connection went back to the
    /// pool): follows a redirect or completes.
    func responseEnded() {
        if let next = discardingRedirect {
            discardingRedirect = nil
            guard detach() else { return }
            client.pool.acquire(for: self, origin: next.origin)
            return
        }
        let finished = phase.withLockedValue { phase -> Bool in
            guard case .running = phase else { return false }
            phase = .finished
            return true
        }
        guard finished else { return }
        deadlineTask?.cancel()
        completion(.success(()))
    }

    /// Whether the response whose head this is should be followed instead of handed to the
    /// sink; prepares the next request when so. Runs on the connection's loop.
    func redirect(status: Int, headers: HTTPHeaders) throws(HTTP1Error) -> Bool {
        guard client.configuration.followRedirects, [301, 302, 303, 307, 308].contains(status) else { return false }
        guard let location = headers.first(name: "location"), !location.isEmpty else { return false }
        guard redirects < HTTP1Client.maxRedirects else {
            throw .redirect("more than \(HTTP1Client.maxRedirects) redirects in a row")
        }
        redirects += 1
        let next = try url.resolving(location)
        var request = self.request
        // As browsers and the SDKs' HTTP libraries: 303 always, and 301/302 after a POST, become
        // a GET without a body.
        let method = request.method.uppercased()
        if (status == 303 && method != "HEAD") || ((status == 301 || status == 302) && method == "POST") {
            request.method = "GET"
            request.body = nil
            request.headers.removeAll { ["content-type", "content-length"].contains($0.0.lowercased()) }
        }
        // Credentials never follow a redirect to another origin.
        if next.origin != url.origin {
            request.headers.removeAll { ["authorization", "proxy-authorization", "cookie"].contains($0.0.lowercased()) }
        }
        request.url = ""
        self.request = request
        url = next
        discardingRedirect = next
        return true
    }
}
