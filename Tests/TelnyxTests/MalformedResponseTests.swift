import Testing

@testable import Telnyx

/// Responses that are wrong in every way a proxy, a crashed server or a bad network makes them,
/// sent over a real loopback socket: each ends in a `TelnyxError` of the right kind (or a
/// response the caller can check), never a crash, and never later than the timeout allows.
@Suite("Malformed responses")
struct MalformedResponseTests {
    /// An nginx-style error page.
    static let gatewayPage = """
        <html>
        <head><title>502 Bad Gateway</title></head>
        <body>
        <center><h1>502 Bad Gateway</h1></center>
        <hr><center>nginx/1.25.3</center>
        </body>
        </html>
        """

    @Test func truncatedJSONIsAResponseValidationErrorWithItsOffset() async throws {
        let text = #"{"data":{"id":"1","tags":["a","#
        try await withServer({ _, _ in .json(200, text) }) { server, client, retries in
            let response = try await client.send(listNumbers)
            #expect(response.body.count == text.utf8.count)
            do throws(TelnyxError) {
                _ = try response.json()
                Issue.record("truncated JSON parsed")
            } catch {
                #expect(error.kind == .responseValidation)
                #expect(error.kind.className == "APIResponseValidationError")
                #expect(error.status == 200)
                #expect(error.message.contains("not valid JSON"))
                #expect(error.message.contains("at byte \(text.utf8.count)"))
            }
            #expect(server.count == 1)
            #expect(retries.count == 0)
        }
    }

    @Test func htmlErrorPageWith502IsAnInternalServerErrorAfterRetries() async throws {
        let reply = TestServer.Reply(
            status: 502, headers: [("Content-Type", "text/html"), ("x-request-id", "gw-1")],
            body: Array(Self.gatewayPage.utf8))
        try await withServer({ _, _ in reply }) { server, client, retries in
            let error = try #require(await sendError(client, listNumbers))
            #expect(error.kind == .internalServer)
            #expect(error.status == 502)
            #expect(error.body == nil)
            #expect(error.requestID == "gw-1")
            #expect(error.message.hasPrefix("502 Bad Gateway: 502 Bad Gateway 502 Bad Gateway nginx/1.25.3"))
            #expect(!error.message.contains("<"))
            #expect(!error.message.contains("\n"))
            #expect(server.count == 3)
            #expect(retries.count == 2)
        }
    }

    @Test func plainTextOnAJSONCallIsReportedNotParsed() async throws {
        let reply = TestServer.Reply(status: 200, headers: [("Content-Type", "text/plain")], body: Array("OK".utf8))
        try await withServer({ _, _ in reply }) { _, client, _ in
            let response = try await client.send(listNumbers)
            #expect(!response.isJSON)
            #expect(response.contentType == "text/plain")
            #expect(throws: TelnyxError.self) { try response.json() }
            do throws(TelnyxError) {
                _ = try response.json()
            } catch {
                #expect(error.kind == .responseValidation)
                #expect(error.message.contains("is not valid JSON"))
            }
        }
    }

    @Test func emptyOKBodyArrivesEmptyAndReadsAsNull() async throws {
        let reply = TestServer.Reply(status: 200, headers: [("Content-Type", "application/json")], body: [])
        try await withServer({ _, _ in reply }) { server, client, _ in
            let response = try await client.send(listNumbers)
            #expect(response.status == 200)
            #expect(response.body.isEmpty)
            #expect(try response.json() == .null)
            #expect(server.count == 1)
        }
    }

    @Test func tenMegabyteBodyArrivesWholeAndDecodes() async throws {
        let text = Self.bigJSON(items: 1000, padding: 10_400)
        #expect(text.utf8.count > 10_000_000)
        try await withServer({ _, _ in .json(200, text) }) { _, client, _ in
            let response = try await client.send(listNumbers)
            #expect(response.body.count == text.utf8.count)
            let data = try #require(try response.json()["data"]?.arrayValue)
            #expect(data.count == 1000)
            #expect(data.last?["id"]?.intValue == 999)
            #expect(data.last?["pad"]?.stringValue?.utf8.count == 10_400)
        }
    }

    @Test func dripFedBodyHitsTheTimeoutOnEveryAttempt() async throws {
        // A byte a second against a 1 s whole-attempt timeout: each attempt gets a byte or two.
        let body = Array(#"{"data":{"id":"1"}}"#.utf8) + Array(repeating: UInt8(ascii: " "), count: 100)
        let reply = TestServer.Reply(
            status: 200, headers: [("Content-Type", "application/json")], body: body, delivery: .drip(interval: 1))
        try await withServer(maxRetries: 1, timeout: 1, { _, _ in reply }) { server, client, retries in
            let started = ContinuousClock.now
            let error = try #require(await sendError(client, listNumbers))
            #expect(error.kind == .timeout)
            #expect(error.kind.className == "APITimeoutError")
            #expect(error.message.contains("timed out"))
            #expect(server.count == 2)
            #expect(retries.count == 1)
            #expect(server.drippedBytes < 2 * body.count)
            // Not a timing assertion: a bound that only a hang (reading until the drip ends) breaks.
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }

    @Test func connectionClosedMidBodyIsAConnectionErrorAfterRetries() async throws {
        let body = Array(#"{"data":{"id":"1","phone_number":"+15550001"}}"#.utf8)
        let reply = TestServer.Reply(
            status: 200, headers: [("Content-Type", "application/json")], body: body, delivery: .cutAfter(bytes: 10))
        try await withServer({ _, _ in reply }) { server, client, retries in
            let error = try #require(await sendError(client, listNumbers))
            #expect(error.kind == .connection)
            #expect(error.kind.className == "APIConnectionError")
            #expect(error.message.hasPrefix("Connection error"))
            #expect(server.count == 3)
            #expect(retries.count == 2)
            #expect(retries.entries.allSatisfy { $0.reason == "APIConnectionError" })
        }
    }

    @Test func cutBodyThenAGoodAnswerSucceedsOnTheRetry() async throws {
        let good = #"{"data":{"id":"7"}}"#
        try await withServer({ _, index in
            index == 0
                ? TestServer.Reply(status: 200, body: Array(good.utf8), delivery: .cutAfter(bytes: 5))
                : .json(200, good)
        }) { server, client, retries in
            let response = try await client.send(listNumbers)
            #expect(try response.json()["data"]?["id"]?.stringValue == "7")
            #expect(server.count == 2)
            #expect(retries.count == 1)
        }
    }

    @Test func bodyOverTheSizeLimitIsRefusedClearlyAndNotRetried() async throws {
        // The real limit is 1 GiB; a transport with a 4 KB limit shows the behaviour.
        let big = TestServer.Reply.json(200, Self.bigJSON(items: 100))
        let server = try await TestServer.start { _, _ in big }
        let transport = HTTPTransport(connectTimeout: 5, maxConnectionsPerHost: 1, maxResponseBytes: 4096)
        do {
            _ = try await transport.perform(method: "GET", url: server.baseURL + "/x", headers: [], body: nil, timeout: 10)
            Issue.record("an oversized body was accepted")
        } catch {
            #expect(error.kind == .responseValidation)
            #expect(error.message == "Response body larger than the 4096-byte limit; not read.")
        }
        #expect(HTTPTransport.maxResponseBytes == 1 << 30)
        transport.shutdown()
        await server.stop()
    }

    /// `{"data":[{"id":0,"name":"item 0","pad":"xx..."}, ...]}`: `items` entries with `padding`
    /// bytes of text each (few, long strings: cheap to build and parse, so the test does not
    /// hog the shared cooperative threads).
    static func bigJSON(items: Int, padding: Int = 72) -> String {
        let pad = String(repeating: "x", count: padding)
        var parts: [String] = []
        parts.reserveCapacity(items)
        for i in 0..<items { parts.append(#"{"id":\#(i),"name":"item \#(i)","pad":"\#(pad)"}"#) }
        return #"{"data":["# + parts.joined(separator: ",") + "]}"
    }
}
