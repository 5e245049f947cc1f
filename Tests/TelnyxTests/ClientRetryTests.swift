import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import Telnyx

@Suite("Client retries")
struct ClientRetryTests {
    @Test(arguments: [408, 409, 429, 500, 503])
    func retryableStatusIsRetriedUpToMaxRetries(status: Int) async throws {
        try await withServer({ _, _ in .json(status, #"{"errors":[{"detail":"try later"}]}"#) }) { server, client, retries in
            let error = await sendError(client, listNumbers)
            #expect(server.count == 3)
            #expect(retries.count == 2)
            #expect(error?.kind == .forStatus(status))
            #expect(error?.status == status)
        }
    }

    @Test(arguments: [400, 401, 404, 422])
    func nonRetryableStatusIsSentOnce(status: Int) async throws {
        try await withServer({ _, _ in .json(status, "{}") }) { server, client, _ in
            let error = await sendError(client, listNumbers)
            #expect(server.count == 1)
            #expect(error?.kind == .forStatus(status))
        }
    }

    @Test func retrySucceedsWhenTheServerRecovers() async throws {
        try await withServer({ _, index in index < 2 ? .json(503, "{}") : .json(200, #"{"data":[1]}"#) }) {
            server, client, _ in
            let response = try await client.send(listNumbers)
            #expect(response.status == 200)
            #expect(try response.json()["data"]?[0]?.intValue == 1)
            #expect(server.count == 3)
        }
    }

    @Test func shouldRetryHeaderOverrides() async throws {
        try await withServer({ _, _ in .json(400, "{}", headers: [("x-should-retry", "true")]) }) { server, client, _ in
            #expect(await sendError(client, listNumbers)?.kind == .badRequest)
            #expect(server.count == 3)
        }
        try await withServer({ _, _ in .json(503, "{}", headers: [("x-should-retry", "false")]) }) { server, client, _ in
            #expect(await sendError(client, listNumbers)?.kind == .internalServer)
            #expect(server.count == 1)
        }
    }

    @Test func maxRetriesPerRequestOverride() async throws {
        try await withServer({ _, _ in .json(500, "{}") }) { server, client, _ in
            _ = await sendError(client, listNumbers, options: RequestOptions(maxRetries: 0))
            #expect(server.count == 1)
            _ = await sendError(client, listNumbers, options: RequestOptions(maxRetries: 4))
            #expect(server.count == 6)
        }
    }

    @Test func retryAfterHeadersSetTheDelay() async throws {
        let scripted: [[(String, String)]] = [
            [("Retry-After", "3")], [("retry-after-ms", "1500"), ("Retry-After", "9")],
        ]
        try await withServer(maxRetries: 3, { _, index in
            // The date is made when the answer is, so a busy machine cannot age it before it is sent.
            let headers = index < 2 ? scripted[index] : [("Retry-After", httpDate(secondsFromNow: 30))]
            return index < 3 ? .json(429, "{}", headers: headers) : .json(200, "{}")
        }) { server, client, retries in
            _ = try await client.send(listNumbers)
            #expect(server.count == 4)
            let delays = retries.entries.map { $0.delay / testDelayScale }
            #expect(delays.count == 3)
            #expect(abs(delays[0] - 3) < 1e-9)
            #expect(abs(delays[1] - 1.5) < 1e-9)
            // An HTTP date 30 s ahead, give or take the second the date is rounded to.
            #expect(delays[2] > 27 && delays[2] <= 31)
            #expect(retries.entries.map(\.reason) == ["status 429", "status 429", "status 429"])
        }
    }

    @Test func timeoutBecomesTimeoutKindAfterRetries() async throws {
        // 1 s, not less: each attempt must reach the server before its deadline even when the
        // machine is busy running the other suites.
        try await withServer(maxRetries: 1, timeout: 1, { _, _ in TestServer.Reply(hang: true) }) { server, client, retries in
            let error = await sendError(client, listNumbers)
            #expect(error?.kind == .timeout)
            #expect(error?.kind.className == "APITimeoutError")
            #expect(server.count == 2)
            #expect(retries.entries.map(\.reason) == ["APITimeoutError"])
        }
    }

    @Test func refusedConnectionBecomesConnectionKindAfterRetries() async throws {
        // A port bound but not listening, held for the whole test: connecting is refused, and
        // no other test's server can take the port meanwhile (a port merely closed could be).
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let retries = RetryLog()
        var options = ClientOptions(
            apiKey: testKey, baseURL: "http://127.0.0.1:\(port)/v2", maxRetries: 2, retryDelayScale: testDelayScale)
        options.onRetry = { retries.record($0, $1, $2) }
        let client = TelnyxClient(options: options)
        let error = await sendError(client, listNumbers)
        await client.shutdown()
        #expect(error?.kind == .connection)
        #expect(error?.kind.className == "APIConnectionError")
        #expect(retries.entries.map(\.reason) == ["APIConnectionError", "APIConnectionError"])
        #expect(!(error?.message.contains(testKey) ?? true))
    }

    @Test func cancellingTheTaskAbortsTheRequest() async throws {
        try await withServer(timeout: 30, { _, _ in TestServer.Reply(hang: true) }) { server, client, _ in
            let task = Task { await sendError(client, listNumbers) }
            while server.count == 0 { try await Task.sleep(for: .milliseconds(5)) }
            task.cancel()
            let error = await task.value
            // Had cancellation not reached the request, this would be a timeout 30 s later.
            #expect(error?.kind == .cancelled)
            #expect(server.count == 1)
        }
    }

    @Test func cancellingDuringARetryWaitStopsRetrying() async throws {
        // A 60 s Retry-After (scaled by 1, not the test scale) would keep the client waiting.
        try await withServer(configure: { $0.retryDelayScale = 1 }, { _, _ in .json(429, "{}", headers: [("Retry-After", "60")]) }) {
            server, client, retries in
            let task = Task { await sendError(client, listNumbers) }
            while retries.count == 0 { try await Task.sleep(for: .milliseconds(5)) }
            task.cancel()
            #expect(await task.value?.kind == .cancelled)
            #expect(server.count == 1)
        }
    }
}

/// An IMF-fixdate `seconds` from now, as a server would send in `Retry-After`.
func httpDate(secondsFromNow seconds: Int) -> String {
    var when = time(nil) + seconds
    var parts = tm()
    gmtime_r(&when, &parts)
    var buffer = [CChar](repeating: 0, count: 64)
    let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
    return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
