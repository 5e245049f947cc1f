#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The kept-alive connections of one `HTTP1Client`, per origin, over every event loop, with at
/// most `maxConnectionsPerHost` open to one origin; requests beyond that wait in order.
///
/// One lock guards the books (open counts, idle connections, waiting exchanges); connecting,
/// sending and closing happen outside it. An exchange takes an idle connection of its own
/// event loop when there is one, so calls made one after another keep one connection on one
/// loop and their answers need no hop between loops.
final class ConnectionPool: Sendable {
    private struct Idle {
        let connection: Connection
        /// When it was put back: it is closed `idleTimeout` after that unless taken.
        let since: NIODeadline
    }

    private struct Books {
        var open = 0
        var idle: [Idle] = []
        var waiting: [ExchangeRun] = []
        /// The expiry timer of each connection that has one. It is made when a connection is
        /// put back without one and kept while the connection is taken and put back again:
        /// scheduling and cancelling a timer on every request (with the books copied, below)
        /// was a sixth of the event loops' instructions with 64 requests in flight
        /// (docs/benchmarks.md). When it fires it closes the connection if it has been idle
        /// long enough, else waits for the rest.
        var expiries: [ObjectIdentifier: Scheduled<Void>] = [:]
    }

    private struct State {
        var origins: [Origin: Books] = [:]
        var shutDown = false
    }

    private let state = NIOLockedValueBox(State())
    private let configuration: HTTP1Client.Configuration
    /// Made at the first https connection: loading the system's trust roots takes milliseconds.
    private let tls = NIOLockedValueBox<NIOSSLContext?>(nil)

    init(configuration: HTTP1Client.Configuration) {
        self.configuration = configuration
    }

    private enum Step {
        case use(Connection)
        case connect
        case wait
        case refuse
    }

    /// Finds `exchange` a connection to `origin`: an idle one, a new one, or a place in line.
    func acquire(for exchange: ExchangeRun, origin: Origin) {
        let step = state.withLockedValue { state -> Step in
            if state.shutDown { return .refuse }
            return Self.update(&state, origin) { books in
                if let index = books.idle.lastIndex(where: { $0.connection.loop === exchange.loop }) ?? books.idle.indices.last {
                    return .use(books.idle.remove(at: index).connection)
                }
                if books.open < configuration.maxConnectionsPerHost {
                    books.open += 1
                    return .connect
                }
                books.waiting.append(exchange)
                return .wait
            }
        }
        switch step {
        case .use(let connection):
            hand(connection, to: exchange)
        case .connect:
            connect(origin, for: exchange)
        case .wait:
            break
        case .refuse:
            exchange.fail(.shutDown)
        }
    }

    /// Gives `connection` to `exchange`, or back to the pool when the exchange ended meanwhile.
    private func hand(_ connection: Connection, to exchange: ExchangeRun) {
        if exchange.attach(connection) {
            connection.start(exchange)
        } else {
            release(connection)
        }
    }

    /// A connection whose response was read out: to the first waiting exchange, or idle.
    func release(_ connection: Connection) {
        let next = state.withLockedValue { state -> ExchangeRun?? in
            guard !state.shutDown else { return .none }
            return Self.update(&state, connection.origin) { books in
                if !books.waiting.isEmpty { return .some(books.waiting.removeFirst()) }
                books.idle.append(Idle(connection: connection, since: .now()))
                let id = ObjectIdentifier(connection)
                if books.expiries[id] == nil { books.expiries[id] = scheduleExpiry(connection, in: configuration.idleTimeout) }
                return .some(nil)
            }
        }
        switch next {
        case .none: connection.channel.close(promise: nil)
        case .some(.some(let exchange)): hand(connection, to: exchange)
        case .some(.none): break
        }
    }

    /// An exchange that ended while it waited gives up its place.
    func withdraw(_ exchange: ExchangeRun) {
        state.withLockedValue { state in
            for origin in state.origins.keys {
                state.origins[origin]!.waiting.removeAll { $0 === exchange }
            }
        }
    }

    /// Runs `body` on the books of `origin` in place: books copied out of the dictionary and
    /// written back made every change to their arrays copy them whole.
    private static func update<T>(_ state: inout State, _ origin: Origin, _ body: (inout Books) -> T) -> T {
        body(&state.origins[origin, default: Books()])
    }

    private func scheduleExpiry(_ connection: Connection, in delay: TimeAmount) -> Scheduled<Void> {
        connection.loop.scheduleTask(in: delay) { [self] in expire(connection) }
    }

    /// A connection's expiry timer fired: the connection is closed if it has been idle for
    /// `idleTimeout`; if it was put back since, the timer waits for the rest; if it is in use,
    /// the timer ends (the next `release` makes one).
    private func expire(_ connection: Connection) {
        let id = ObjectIdentifier(connection)
        let close = state.withLockedValue { state -> Bool in
            Self.update(&state, connection.origin) { books in
                books.expiries[id] = nil
                guard let index = books.idle.firstIndex(where: { $0.connection === connection }) else { return false }
                let left = books.idle[index].since + configuration.idleTimeout - .now()
                if left.nanoseconds > 0 {
                    books.expiries[id] = scheduleExpiry(connection, in: left)
                    return false
                }
                books.idle.remove(at: index)
                return true
            }
        }
        if close { connection.channel.close(promise: nil) }
    }

    /// A connection closed (by either side): it no longer counts, and an exchange waiting for
    /// room gets a new connection.
    func closed(_ connection: Connection) {
        let origin = connection.origin
        let next = state.withLockedValue { state -> ExchangeRun? in
            guard state.origins[origin] != nil else { return nil }
            let shutDown = state.shutDown
            return Self.update(&state, origin) { books in
                books.idle.removeAll { $0.connection === connection }
                books.expiries.removeValue(forKey: ObjectIdentifier(connection))?.cancel()
                books.open -= 1
                return Self.nextWaiter(&books, shutDown: shutDown)
            }
        }
        if let next { connect(origin, for: next) }
    }

    /// The first waiting exchange, counted as connecting, when there is room for it.
    private static func nextWaiter(_ books: inout Books, shutDown: Bool) -> ExchangeRun? {
        guard !shutDown, !books.waiting.isEmpty else { return nil }
        books.open += 1
        return books.waiting.removeFirst()
    }

    /// Opens a connection for `exchange` on its loop.
    private func connect(_ origin: Origin, for exchange: ExchangeRun) {
        let reader = ResponseReader(pool: self)
        let context: NIOSSLContext?
        do {
            context = origin.secure ? try tlsContext() : nil
        } catch {
            return connectFailed(origin, exchange, .tls("\(error)"))
        }
        let bootstrap = ClientBootstrap(group: exchange.loop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                do {
                    if let context {
                        // An IP address is not a server name: the certificate is then checked
                        // against the address connected to.
                        let name = origin.host.contains(":") || origin.host.allSatisfy({ $0.isNumber || $0 == "." })
                            ? nil : origin.host
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: context, serverHostname: name))
                    }
                    // Methods, header names and values, and the target are checked (or
                    // encoded) once, when the request is made: not again on every write.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    try channel.pipeline.syncOperations.addHandler(reader)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        // An IP address is connected to directly: no resolver thread, no Happy Eyeballs race.
        let connecting = (try? SocketAddress(ipAddress: origin.host, port: origin.port)).map { bootstrap.connect(to: $0) }
            ?? bootstrap.connect(host: origin.host, port: origin.port)
        connecting.whenComplete { result in
            switch result {
            case .success(let channel) where channel.isActive:
                let connection = Connection(channel: channel, origin: origin, pool: self)
                reader.connection = connection
                self.hand(connection, to: exchange)
            case .success(let channel):
                channel.close(promise: nil)
                self.connectFailed(origin, exchange, .connectionClosed)
            case .failure(let error):
                self.connectFailed(origin, exchange, Self.classifyConnect(error, origin))
            }
        }
    }

    private func connectFailed(_ origin: Origin, _ exchange: ExchangeRun, _ error: HTTP1Error) {
        let next = state.withLockedValue { state -> ExchangeRun? in
            guard state.origins[origin] != nil else { return nil }
            let shutDown = state.shutDown
            return Self.update(&state, origin) { books in
                books.open -= 1
                return Self.nextWaiter(&books, shutDown: shutDown)
            }
        }
        exchange.fail(error)
        if let next { connect(origin, for: next) }
    }

    private func tlsContext() throws -> NIOSSLContext {
        try tls.withLockedValue { context in
            if let context { return context }
            let made = try NIOSSLContext(configuration: configuration.tls ?? .makeClientConfiguration())
            context = made
            return made
        }
    }

    /// Says why a connection could not be opened, naming the origin but nothing of the request.
    static func classifyConnect(_ error: any Error, _ origin: Origin) -> HTTP1Error {
        if let error = error as? ChannelError, case .connectTimeout = error { return .connectTimeout }
        let place = "\(origin.host):\(origin.port)"
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first {
                return .connectFailed("\(place): \(reason(first.error))")
            }
            return .connectFailed("\(place): the name could not be resolved")
        }
        return .connectFailed("\(place): \(reason(error))")
    }

    /// The system's words for a socket error (`Connection refused`), else the error as NIO says it.
    private static func reason(_ error: any Error) -> String {
        if let error = error as? ChannelError, case .connectTimeout = error { return "connect timeout" }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        return "\(error)"
    }

    /// Refuses new exchanges, fails those waiting and closes idle connections; exchanges in
    /// progress finish, and their connections are closed then.
    func shutdown() {
        let (idle, waiting, expiries) = state.withLockedValue { state -> ([Idle], [ExchangeRun], [Scheduled<Void>]) in
            state.shutDown = true
            let idle = state.origins.values.flatMap(\.idle)
            let waiting = state.origins.values.flatMap(\.waiting)
            let expiries = state.origins.values.flatMap(\.expiries.values)
            for origin in state.origins.keys {
                state.origins[origin]!.idle = []
                state.origins[origin]!.waiting = []
                state.origins[origin]!.expiries = [:]
            }
            return (idle, waiting, expiries)
        }
        for timer in expiries { timer.cancel() }
        for entry in idle { entry.connection.channel.close(promise: nil) }
        for exchange in waiting { exchange.fail(.shutDown) }
    }
}
