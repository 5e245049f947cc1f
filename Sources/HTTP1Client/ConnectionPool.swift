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
        /// Closes the connection after the idle timeout.
        let timer: Scheduled<Void>
    }

    private struct Books {
        var open = 0
        var idle: [Idle] = []
        var waiting: [ExchangeRun] = []
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
        case use(Connection, Scheduled<Void>)
        case connect
        case wait
        case refuse
    }

    /// Finds `exchange` a connection to `origin`: an idle one, a new one, or a place in line.
    func acquire(for exchange: ExchangeRun, origin: Origin) {
        let step = state.withLockedValue { state -> Step in
            if state.shutDown { return .refuse }
            var books = state.origins[origin, default: Books()]
            defer { state.origins[origin] = books }
            if let index = books.idle.lastIndex(where: { $0.connection.loop === exchange.loop }) ?? books.idle.indices.last {
                let idle = books.idle.remove(at: index)
                return .use(idle.connection, idle.timer)
            }
            if books.open < configuration.maxConnectionsPerHost {
                books.open += 1
                return .connect
            }
            books.waiting.append(exchange)
            return .wait
        }
        switch step {
        case .use(let connection, let timer):
            timer.cancel()
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
            var books = state.origins[connection.origin, default: Books()]
            defer { state.origins[connection.origin] = books }
            if !books.waiting.isEmpty { return .some(books.waiting.removeFirst()) }
            let timer = connection.loop.scheduleTask(in: configuration.idleTimeout) { [self] in expire(connection) }
            books.idle.append(Idle(connection: connection, timer: timer))
            return .some(nil)
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

    /// The idle timeout passed: the connection is closed (unless it was taken meanwhile).
    private func expire(_ connection: Connection) {
        let wasIdle = state.withLockedValue { state -> Bool in
            guard let index = state.origins[connection.origin]?.idle.firstIndex(where: { $0.connection === connection })
            else { return false }
            state.origins[connection.origin]!.idle.remove(at: index)
            return true
        }
        if wasIdle { connection.channel.close(promise: nil) }
    }

    /// A connection closed (by either side): it no longer counts, and an exchange waiting for
    /// room gets a new connection.
    func closed(_ connection: Connection) {
        let origin = connection.origin
        let next = state.withLockedValue { state -> ExchangeRun? in
            guard var books = state.origins[origin] else { return nil }
            defer { state.origins[origin] = books }
            if let index = books.idle.firstIndex(where: { $0.connection === connection }) {
                books.idle.remove(at: index).timer.cancel()
            }
            books.open -= 1
            return Self.nextWaiter(&books, shutDown: state.shutDown)
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
            state.origins[origin]?.open -= 1
            guard var books = state.origins[origin] else { return nil }
            defer { state.origins[origin] = books }
            return Self.nextWaiter(&books, shutDown: state.shutDown)
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
        let (idle, waiting) = state.withLockedValue { state -> ([Idle], [ExchangeRun]) in
            state.shutDown = true
            let idle = state.origins.values.flatMap(\.idle)
            let waiting = state.origins.values.flatMap(\.waiting)
            for origin in state.origins.keys {
                state.origins[origin]!.idle = []
                state.origins[origin]!.waiting = []
            }
            return (idle, waiting)
        }
        for entry in idle {
            entry.timer.cancel()
            entry.connection.channel.close(promise: nil)
        }
        for exchange in waiting { exchange.fail(.shutDown) }
    }
}
