import HTTP1Client
import NIOCore
import NIOHTTP1
import Telnyx
import TelnyxSandbox

/// A sandbox on an ephemeral loopback port and a real HTTP client talking to it.
final class Harness: Sendable {
    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let bytes: [UInt8]
        var json: JSONValue? { try? JSONValue.parse(bytes) }
    }

    let server: SandboxServer
    let client: HTTP1Client
    let base: String

    private init(server: SandboxServer, client: HTTP1Client, base: String) {
        self.server = server
        self.client = client
        self.base = base
    }

    /// Starts a sandbox for `configuration` and a client with no retries of its own.
    static func start(_ configuration: SandboxConfiguration = SandboxConfiguration()) async throws -> Harness {
        let server = SandboxServer(configuration: configuration)
        _ = try await server.start()
        let client = HTTP1Client()
        return Harness(server: server, client: client, base: server.baseURL)
    }

    func stop() async throws {
        client.shutdown()
        try await server.shutdown()
    }

    /// Sends one request; `token` nil sends no Authorization header.
    func send(
        _ method: HTTPMethod, _ path: String, json: JSONValue? = nil, raw: String? = nil, token: String? = "test-token",
        timeout: TimeAmount = .seconds(30)
    ) async throws -> Answer {
        var request = HTTP1Request(method: method.rawValue, url: base + path)
        if let token { request.headers.append(("Authorization", "Bearer \(token)")) }
        if let body = json?.jsonBytes ?? raw.map({ Array($0.utf8) }) {
            request.headers.append(("Content-Type", "application/json"))
            request.body = body
        }
        let response = try await client.perform(request, timeout: timeout, limit: 64 << 20)
        return Answer(status: response.status, headers: HTTPHeaders(response.headers), bytes: response.body)
    }

    /// The sandbox's request counters (`/__sandbox/requests`).
    func counters() async throws -> JSONValue {
        try await send(.GET, "/__sandbox/requests", token: nil).json?["counters"] ?? .null
    }

    /// Changes fault settings through the admin endpoint.
    func configure(_ settings: JSONValue) async throws {
        let answer = try await send(.POST, "/__sandbox/config", json: settings, token: nil)
        precondition(answer.status == 200, "admin config refused: \(String(decoding: answer.bytes, as: UTF8.self))")
    }
}

/// A request value valid against a catalog schema: required members only, enums' first value.
func sampleValue(_ schema: Schema, name: String = "") -> JSONValue {
    if let first = schema.enumValues?.first { return first }
    let type = schema.types.first ?? .any
    switch type {
    case .object:
        var out: [String: JSONValue] = [:]
        for key in schema.required { out[key] = schema.properties[key].map { sampleValue($0, name: key) } ?? "x" }
        return .object(out)
    case .array: return .array(schema.items.map { [sampleValue($0, name: name)] } ?? [])
    case .integer: return 1
    case .number: return 1.5
    case .boolean: return true
    case .string, .any:
        switch schema.format {
        case "uuid": return "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
        case "date-time": return "2024-01-01T00:00:00Z"
        case "date": return "2024-01-01"
        case "email": return "a@example.com"
        case "uri", "url": return "https://example.com/x"
        default: break
        }
        if name.contains("url") { return "https://example.com/hook" }
        if name.contains("phone_number") || name == "to" || name == "from" { return "+15551234567" }
        return .string("sample-\(name)")
    }
}
