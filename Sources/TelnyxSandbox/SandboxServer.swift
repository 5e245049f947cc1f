import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// The Telnyx API simulator on a real socket: HTTP/1.1 with keep-alive on SwiftNIO.
///
/// `start()` binds (port 0 picks a free one) and returns the port; `shutdown()` closes the
/// listener and the event loops. Used by `telnyx-sandbox`, `telnyx-lua --sandbox` and the tests.
public final class SandboxServer: Sendable {
    private struct Running {
        var group: MultiThreadedEventLoopGroup?
        var channel: Channel?
        var port = 0
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
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: true)
                    try channel.pipeline.syncOperations.addHandler(HTTPHandler(core: core))
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let port = channel.localAddress?.port ?? configuration.port
        running.withLockedValue { $0 = Running(group: group, channel: channel, port: port) }
        return port
    }

    /// `http://HOST:PORT` of the running server.
    public var baseURL: String {
        let port = running.withLockedValue { $0.port }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(host):\(port)"
    }

    /// Closes the listener and stops the event loops (open connections are dropped).
    public func shutdown() async throws {
        let state = running.withLockedValue { state -> Running in
            let copy = state
            state = Running()
            return copy
        }
        try? await state.channel?.close()
        try await state.group?.shutdownGracefully()
    }
}
