import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import ServerSupport

/// The listener of `telnyx-lua serve`: HTTP/1.1 on SwiftNIO. It verifies, deduplicates and
/// acknowledges webhook deliveries itself, at once, and leaves them in the inbox for the Lua
/// handlers; route requests (TeXML fetches) wait in the inbox for their handler's answer.
///
/// Data flows one way: socket -> `EventRequestHandler` (limits, signature, envelope) ->
/// `EventInbox` -> the Lua dispatcher (stdlib/telnyx/events.lua) -> one task per event.
public final class EventServer: Sendable {
    private struct Running {
        var group: MultiThreadedEventLoopGroup?
        var channel: Channel?
        var port = 0
    }

    public let settings: EventServerSettings
    public let inbox: EventInbox
    private let verifier: SignatureVerifier?
    private let log: @Sendable (String) -> Void
    private let running = NIOLockedValueBox(Running())
    private let connections = NIOLockedValueBox(0)

    /// A server for `settings` that hands what it accepts to its `inbox` (bounded by the same
    /// settings) and writes one line per refused request to `log`. Throws when the public key
    /// is not an Ed25519 key, or when there is none and `insecure` is not set.
    public init(settings: EventServerSettings, log: @escaping @Sendable (String) -> Void) throws {
        self.settings = settings
        self.inbox = EventInbox(settings: settings)
        self.log = log
        if let key = settings.publicKey {
            verifier = try SignatureVerifier(publicKey: key, tolerance: settings.timestampTolerance)
        } else if settings.insecure {
            verifier = nil
        } else {
            throw EventServerError("a public key is needed to verify deliveries (TELNYX_PUBLIC_KEY or --public-key); --insecure accepts unsigned ones")
        }
    }

    /// Binds the listener and returns the bound port.
    public func start() async throws -> Int {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: min(System.coreCount, 2))
        let settings = self.settings
        let context = EventRequestHandler.Shared(settings: settings, inbox: inbox, verifier: verifier, log: log)
        let connections = self.connections
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let admitted = connections.withLockedValue { count -> Bool in
                    guard count < settings.maxConnections else { return false }
                    count += 1
                    return true
                }
                guard admitted else { return channel.close() }
                channel.closeFuture.whenComplete { _ in connections.withLockedValue { $0 -= 1 } }
                return channel.eventLoop.makeCompletedFuture {
                    // A client that pipelines requests and never reads the answers stops being
                    // read once its answers back up, so they cannot pile up in memory.
                    try channel.pipeline.syncOperations.addHandler(BackPressureHandler())
                    let connectionGuard = ConnectionGuard(readTimeout: settings.requestReadTimeout, idleTimeout: settings.idleTimeout)
                    try channel.pipeline.syncOperations.addHandler(connectionGuard)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: true)
                    try channel.pipeline.syncOperations.addHandler(EventRequestHandler(shared: context, connectionGuard: connectionGuard))
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: settings.host, port: settings.port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw EventServerError("cannot listen on \(settings.host):\(settings.port): \(error)")
        }
        let port = channel.localAddress?.port ?? settings.port
        running.withLockedValue { $0 = Running(group: group, channel: channel, port: port) }
        return port
    }

    /// `http://HOST:PORT` of the running server.
    public var url: String {
        let port = running.withLockedValue { $0.port }
        let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
        return "http://\(host):\(port)"
    }

    /// Stops accepting: the listener closes, and requests on open connections get 503. What
    /// was accepted before stays in the inbox for the handlers.
    public func stopAccepting() async {
        inbox.stop()
        let channel = running.withLockedValue { $0.channel }
        try? await channel?.close()
    }

    /// Closes everything (open connections are dropped).
    public func shutdown() async {
        await stopAccepting()
        let group = running.withLockedValue { state -> MultiThreadedEventLoopGroup? in
            defer { state = Running() }
            return state.group
        }
        try? await group?.shutdownGracefully()
    }
}

/// A server that cannot start, with what to do about it.
public struct EventServerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
