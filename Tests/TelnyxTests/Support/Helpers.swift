import Logging
import NIOConcurrencyHelpers

@testable import Telnyx

/// The API key the tests use; long and distinctive so a leak is easy to find.
let testKey = "KEYtest_0123456789abcdefSECRET"

/// Records the client's `onRetry` calls.
final class RetryLog: Sendable {
    private let box = NIOLockedValueBox<[(Int, Double, String)]>([])
    var entries: [(retry: Int, delay: Double, reason: String)] { box.withLockedValue { $0.map { ($0.0, $0.1, $0.2) } } }
    var count: Int { box.withLockedValue { $0.count } }
    func record(_ retry: Int, _ delay: Double, _ reason: String) { box.withLockedValue { $0.append((retry, delay, reason)) } }
}

/// The scale tests apply to every retry delay: a 0.5 s backoff becomes 0.5 ms.
let testDelayScale = 0.001

/// Runs `body` with a fresh server and a client pointed at it, then shuts both down.
func withServer(
    maxRetries: Int = 2, timeout: Double = 10, logger: Logger? = nil,
    configure: (inout ClientOptions) -> Void = { _ in },
    _ handler: @escaping TestServer.Handler = { _, _ in TestServer.Reply() },
    _ body: (TestServer, TelnyxClient, RetryLog) async throws -> Void
) async throws {
    let server = try await TestServer.start(handler)
    let retries = RetryLog()
    var options = ClientOptions(
        apiKey: testKey, baseURL: server.baseURL, timeout: timeout, maxRetries: maxRetries,
        retryDelayScale: testDelayScale)
    if let logger { options.logger = logger }
    options.onRetry = { retries.record($0, $1, $2) }
    configure(&options)
    let client = TelnyxClient(options: options)
    do {
        try await body(server, client, retries)
    } catch {
        await client.shutdown()
        await server.stop()
        throw error
    }
    await client.shutdown()
    await server.stop()
}

/// Sends and returns the error, or nil when the call succeeded.
func sendError(_ client: TelnyxClient, _ request: APIRequest, options: RequestOptions? = nil) async -> TelnyxError? {
    do {
        _ = try await client.send(request, options: options)
        return nil
    } catch {
        return error
    }
}

/// `GET /phone_numbers`, the request most tests send.
let listNumbers = APIRequest(method: "GET", route: "/phone_numbers")
