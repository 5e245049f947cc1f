import Foundation
import Telnyx
import TelnyxLua
import TelnyxSandbox

/// A sandbox on loopback plus a way to run Lua against it. Lua runs on a thread of its own:
/// its API calls block that thread while the HTTP work runs on Swift's cooperative pool, which
/// a test must not block.
final class SandboxHarness: Sendable {
    let server: SandboxServer
    let baseURL: String
    private let admin: TelnyxClient

    private init(server: SandboxServer) {
        self.server = server
        baseURL = server.baseURL
        admin = TelnyxClient(options: ClientOptions(apiKey: "KEY_ADMIN", baseURL: server.baseURL, maxRetries: 0))
    }

    static func start(phoneNumbers: Int = 100, latencyMs: Int = 0) async throws -> SandboxHarness {
        var configuration = SandboxConfiguration(port: 0, phoneNumbers: phoneNumbers)
        configuration.latencyMs = latencyMs
        let server = SandboxServer(configuration: configuration)
        _ = try await server.start()
        return SandboxHarness(server: server)
    }

    func stop() async {
        await admin.shutdown()
        try? await server.shutdown()
    }

    /// Runs `code` in a fresh host pointed at the sandbox; returns what the chunk returned.
    func run(_ code: String, apiKey: String = "KEY_TEST") async throws -> [LuaValue] {
        let base = baseURL
        return try await onThread {
            let host = try TelnyxHost(useEnvironment: false)
            host.configure(baseURL: base, apiKey: apiKey)
            let results = try host.run(code, name: "=test")
            let reports = try host.finishTasks()
            if !reports.isEmpty { throw LuaError.raise(reports.joined(separator: "\n")) }
            return results
        }
    }

    /// The error message running `code` raises (its `tostring`), or "(no error)".
    func failure(_ code: String) async -> String {
        do {
            _ = try await run(code)
            return "(no error)"
        } catch {
            return (error as? LuaError)?.message ?? "\(error)"
        }
    }

    /// The sandbox's request log and counters.
    func requests() async throws -> JSONValue {
        try await admin.send(APIRequest(method: "GET", route: "/__sandbox/requests")).json()
    }

    /// Clears the request log and counters.
    func resetLog() async throws {
        _ = try await admin.send(APIRequest(method: "POST", route: "/__sandbox/reset", body: .json(Array("{}".utf8))))
    }

    /// Changes the injected faults (latency_ms, error_rate, ...).
    func configureFaults(_ settings: JSONValue) async throws {
        _ = try await admin.send(APIRequest(method: "POST", route: "/__sandbox/config", body: .json(settings.jsonBytes)))
    }
}

/// Runs `body` on a new thread and returns its result.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.stackSize = 16 << 20
        thread.start()
    }
}
