#if canImport(Glibc)
import Glibc
#endif
import TelnyxSandbox

/// `telnyx-lua --sandbox`: starts the API simulator in this process, on an ephemeral loopback
/// port, and waits until it listens. The server runs on its own event loops until the process
/// ends.
enum SandboxLauncher {
    /// The API key the host sends to its own sandbox; the sandbox accepts any bearer token.
    static let apiKey = "KEY_SANDBOX_LOCAL"

    /// A loopback port free now, chosen before `--safe` confines the process to the ports it
    /// names (the socket is closed at once; the sandbox binds the port right after).
    static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Options.UsageError(description: "--sandbox: cannot open a socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw Options.UsageError(description: "--sandbox: cannot find a free loopback port") }
        return UInt16(bigEndian: address.sin_port)
    }

    static func start(port: UInt16, stateless: Bool = false) throws -> SandboxServer {
        var configuration = SandboxConfiguration(host: "127.0.0.1", port: Int(port))
        configuration.stateless = stateless
        let server = SandboxServer(configuration: configuration)
        _ = try blocking { try await server.start() }
        return server
    }
}
