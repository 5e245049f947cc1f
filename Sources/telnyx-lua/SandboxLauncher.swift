import Dispatch
import TelnyxSandbox

/// `telnyx-lua --sandbox`: starts the API simulator in this process, on an ephemeral loopback
/// port, and waits until it listens. The server runs on its own event loops until the process
/// ends.
enum SandboxLauncher {
    /// The API key the host sends to its own sandbox; the sandbox accepts any bearer token.
    static let apiKey = "KEY_SANDBOX_LOCAL"

    static func start() throws -> SandboxServer {
        let server = SandboxServer(configuration: SandboxConfiguration(host: "127.0.0.1", port: 0))
        let outcome = StartOutcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                outcome.set(.success(try await server.start()))
            } catch {
                outcome.set(.failure(error))
            }
            done.signal()
        }
        done.wait()
        _ = try outcome.get()
        return server
    }

    /// The start result, handed from the starting task to the waiting thread.
    private final class StartOutcome: @unchecked Sendable {
        private var result: Result<Int, Error>?
        private let lock = DispatchSemaphore(value: 1)
        func set(_ value: Result<Int, Error>) {
            lock.wait()
            result = value
            lock.signal()
        }
        func get() throws -> Int {
            lock.wait()
            defer { lock.signal() }
            return try result!.get()
        }
    }
}
