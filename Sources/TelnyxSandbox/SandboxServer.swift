import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import ServerSupport

/// The Telnyx API simulator on a real socket: HTTP/1.1 with keep-alive on SwiftNIO.
///
/// `start()` binds (port 0 picks a free one) and returns the port; `shutdown()` closes the
/// listener and the event loops. Used by `telnyx-sandbox`, `telnyx-lua --sandbox` and the tests.
public final class SandboxServer: Sendable {
    private struct Running {
        var group: MultiThreadedEventLoopGroup?
        var channel: Channel?
        var port = 0
        var core: SandboxCore?
    }

    private let configuration: SandboxConfiguration
    private let running = NIOLockedValueBox(Running())

    /// A server for `configuration`; nothing is bound or loaded until `start()`.
    public init(configuration: SandboxConfiguration) {
        self.configuration = configuration
    }

    /// Loads the catalog, binds the listener and returns the bound port.
    public func start() async throws -> Int {
        let core = SandboxCore(configuration: configuration)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: min(System.coreCount, 4))
        core.simulation.start(group: group)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Answers a client never reads stop its requests being read (no pile-up).
                    try channel.pipeline.syncOperations.addHandler(BackPressureHandler())
                    // Then, on raw bytes: the read and idle deadlines (see ConnectionGuard).
                    let connectionGuard = ConnectionGuard(
                        readTimeout: core.limits.requestReadTimeout, idleTimeout: core.limits.idleTimeout)
                    try channel.pipeline.syncOperations.addHandler(connectionGuard)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: true)
                    try channel.pipeline.syncOperations.addHandler(HTTPHandler(core: core, connectionGuard: connectionGuard))
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            await core.simulation.shutdown()
            try? await group.shutdownGracefully()
            throw error
        }
        let port = channel.localAddress?.port ?? configuration.port
        running.withLockedValue { $0 = Running(group: group, channel: channel, port: port, core: core) }
        return port
    }

    /// `http://HOST:PORT` of the running server.
    public var baseURL: String {
        let port = running.withLockedValue { $0.port }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(host):\(port)"
    }

    /// The methods (`resource.method`) of the seed areas, whose answers agree with each other;
    /// every other method answers from its schema alone.
    public static var statefulMethods: Set<String> { seedMethods }

    /// The id of seeded record `index` of the collection that `{parameter}` of `route` names
    /// (a catalog route template), or nil when the sandbox keeps no such collection or is not
    /// running. Tests use it to reach stateful routes with ids that exist.
    public func seededID(route: String, parameter: String, index: Int = 0) -> String? {
        guard let core = running.withLockedValue({ $0.core }),
            let key = Binding.collectionKey(route: route, parameter: parameter)
        else { return nil }
        return core.store.seededID(key, index: index)
    }

    /// Base64 of the raw Ed25519 public key that signs every webhook and TeXML request (nil
    /// before `start()`); also served at `GET /__sandbox/public_key`.
    public var publicKey: String? {
        running.withLockedValue { $0.core?.simulation.key.publicKeyBase64 }
    }

    /// Closes the listener and stops the event loops (open connections are dropped).
    public func shutdown() async throws {
        let state = running.withLockedValue { state -> Running in
            let copy = state
            state = Running()
            return copy
        }
        try? await state.channel?.close()
        await state.core?.simulation.shutdown()
        try await state.group?.shutdownGracefully()
    }
}
