import HTTP1Client
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Testing

/// The client against real sockets on loopback: keep-alive, the connection limit, redirects,
/// deadlines, cancellation, and every way a server can misbehave.
@Suite struct HTTP1ClientTests {
    private func get(_ client: HTTP1Client, _ url: String, headers: [(String, String)] = [],
                     timeout: TimeAmount = .seconds(10)) async throws -> HTTP1Response {
        try await client.perform(HTTP1Request(method: "GET", url: url, headers: headers), timeout: timeout)
    }

    /// The `HTTP1Error` `body` fails with; nil when it succeeds.
    private func failure(_ body: () async throws -> HTTP1Response) async -> HTTP1Error? {
        do {
            _ = try await body()
            return nil
        } catch let error as HTTP1Error {
            return error
        } catch {
            Issue.record("not an HTTP1Error: \(error)")
            return nil
        }
    }

    /// Polls `condition` every 10 ms, for 30 s at most.
    private func waitUntil(_ condition: () -> Bool) async throws {
        var polls = 0
        while !condition() && polls < 3000 {
            try await Task.sleep(for: .milliseconds(10))
            polls += 1
        }
        try #require(condition(), "timed out waiting")
    }

    @Test func callsOneAfterAnotherKeepOneConnection() async throws {
        let server = try await ScriptedServer { request, index in .send(response(200, "answer \(index) to \(request.target)")) }
        let client = HTTP1Client()
        for index in 0..<20 {
            let answer = try await get(client, server.url + "/n/\(index)?q=1")
            #expect(answer.status == 200)
            #expect(String(decoding: answer.body, as: UTF8.self) == "answer \(index) to /n/\(index)?q=1")
        }
        #expect(server.connections == 1)
        #expect(server.requests.allSatisfy { $0.header("host") == "127.0.0.1:\(server.port)" })
        client.shutdown()
        await server.stop()
    }

    /// A kept-alive connection is closed `idleTimeout` after it was last put back: reusing it
    /// puts the close off (its one timer, made at the first release, waits for the rest).
    /// Each timing expectation is checked only when the run's own clock readings guarantee it,
    /// so a loaded machine cannot fail it.
    @Test func anIdleConnectionClosesTheIdleTimeoutAfterItsLastUse() async throws {
        let server = try await ScriptedServer { _, _ in .send(response(200, "ok")) }
        let timeout = Duration.milliseconds(1500)
        let client = HTTP1Client(configuration: .init(idleTimeout: .milliseconds(1500)))
        let firstSent = ContinuousClock.now
        _ = try await get(client, server.url + "/1")
        try await Task.sleep(for: .milliseconds(500))
        let secondSent = ContinuousClock.now
        _ = try await get(client, server.url + "/2")
        if ContinuousClock.now - firstSent < timeout {
            #expect(server.connections == 1, "the connection was not reused within the idle timeout")
        }
        // Past the timeout counted from the first use, within it counted from the last.
        try await Task.sleep(until: firstSent + timeout + .milliseconds(200))
        if ContinuousClock.now - secondSent < timeout {
            #expect(server.openConnections == 1, "closed counting from the first use, not the last")
        }
        try await waitUntil { server.openConnections == 0 }
        #expect(ContinuousClock.now - secondSent >= timeout, "closed before the idle timeout")
        let opened = server.connections
        _ = try await get(client, server.url + "/3")
        #expect(server.connections == opened + 1)
        client.shutdown()
        await server.stop()
    }

    @Test func theConnectionLimitHoldsAndEveryWaitingRequestIsServed() async throws {
        let server = try await ScriptedServer { request, _ in .delayed(0.05, response(200, request.target)) }
        let client = HTTP1Client(configuration: .init(maxConnectionsPerHost: 3))
        let started = ContinuousClock.now
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<30 {
                group.addTask {
                    String(decoding: try await get(client, server.url + "/\(index)").body, as: UTF8.self)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(answers) == Set((0..<30).map { "/\($0)" }))
        // Never more than three at once: 30 answers of 50 ms each over three connections take
        // 0.5 s at least (a lower bound, which a loaded machine cannot break).
        #expect(server.connections <= 3 && server.mostOpenAtOnce <= 3)
        #expect(ContinuousClock.now - started >= .milliseconds(500))
        client.shutdown()
        await server.stop()
    }

    @Test func bodiesAndContentLengthGoOut() async throws {
        let server = try await ScriptedServer { _, _ in .send(response(201, "made")) }
        let client = HTTP1Client()
        let body = Array("{\"a\":1}".utf8)
        let answer = try await client.perform(
            HTTP1Request(method: "POST", url: server.url + "/x", headers: [("Content-Type", "application/json")], body: body),
            timeout: .seconds(10))
        #expect(answer.status == 201)
        _ = try await client.perform(HTTP1Request(method: "POST", url: server.url + "/empty"), timeout: .seconds(10))
        let sent = server.requests
        #expect(sent[0].body == body && sent[0].header("content-length") == "7")
        #expect(sent[1].body.isEmpty && sent[1].header("content-length") == "0")
        client.shutdown()
        await server.stop()
    }

    @Test func headAndNoContentResponsesEndWithoutABody() async throws {
        let server = try await ScriptedServer { request, _ in
            request.method == "HEAD" ? .send("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n") : .send("HTTP/1.1 204 No Content\r\n\r\n")
        }
        let client = HTTP1Client()
        let head = try await client.perform(HTTP1Request(method: "HEAD", url: server.url + "/h"), timeout: .seconds(5))
        #expect(head.status == 200 && head.body.isEmpty && head.header("content-length") == "1234")
        let none = try await get(client, server.url + "/n")
        #expect(none.status == 204 && none.body.isEmpty)
        // Both kept the one connection in step.
        #expect(try await client.perform(HTTP1Request(method: "HEAD", url: server.url + "/h"), timeout: .seconds(5)).status == 200)
        #expect(server.connections == 1)
        client.shutdown()
        await server.stop()
    }

    @Test func redirectsAreFollowedAndCredentialsStayWithTheirOrigin() async throws {
        let other = try await ScriptedServer { _, _ in .send(response(200, "other")) }
        let server = try await ScriptedServer { request, _ in
            switch request.target {
            case "/same": return .send(response(302, "", ["Location: /landing"]))
            case "/away": return .send(response(307, "", ["Location: \(other.url)/there"]))
            case "/post": return .send(response(303, "", ["Location: relative?x=1"]))
            case "/loop": return .send(response(301, "", ["Location: /loop"]))
            default: return .send(response(200, "landed at \(request.target)"))
            }
        }
        let client = HTTP1Client()
        let auth = [("Authorization", "Bearer KEY"), ("Cookie", "c=1"), ("X-Keep", "yes")]
        let same = try await get(client, server.url + "/same", headers: auth)
        #expect(String(decoding: same.body, as: UTF8.self) == "landed at /landing")
        #expect(server.requests.last?.header("authorization") == "Bearer KEY")
        let away = try await get(client, server.url + "/away", headers: auth)
        #expect(String(decoding: away.body, as: UTF8.self) == "other")
        let arrived = try #require(other.requests.last)
        #expect(arrived.header("authorization") == nil && arrived.header("cookie") == nil)
        #expect(arrived.header("x-keep") == "yes" && arrived.header("host") == "127.0.0.1:\(other.port)")
        // A 303 after a POST is a GET without the body, resolved against the folder.
        _ = try await client.perform(
            HTTP1Request(method: "POST", url: server.url + "/post", headers: [("Content-Type", "text/plain")], body: [1, 2, 3]),
            timeout: .seconds(5))
        let followed = try #require(server.requests.last)
        #expect(followed.method == "GET" && followed.target == "/relative?x=1" && followed.body.isEmpty)
        #expect(followed.header("content-type") == nil)
        let looping = await failure { try await get(client, server.url + "/loop") }
        #expect(looping == .redirect("more than 5 redirects in a row"))
        #expect(server.requests.filter { $0.target == "/loop" }.count == 6)
        // Turned off, the redirect itself is the answer.
        let literal = HTTP1Client(configuration: .init(followRedirects: false))
        #expect(try await get(literal, server.url + "/same").status == 302)
        client.shutdown()
        literal.shutdown()
        await server.stop()
        await other.stop()
    }

    /// Without the deadline the call would wait forever: the time limit turns that into a failure.
    @Test(.timeLimit(.minutes(1))) func aHangingServerMeetsTheDeadline() async throws {
        let server = try await ScriptedServer { _, _ in .hang }
        let client = HTTP1Client()
        let started = ContinuousClock.now
        let error = await failure { try await get(client, server.url + "/", timeout: .milliseconds(300)) }
        #expect(error == .deadlineExceeded)
        #expect(ContinuousClock.now - started >= .milliseconds(300))
        client.shutdown()
        await server.stop()
    }

    @Test func cancellingAWaitingRequestLeavesTheOthersAlone() async throws {
        let server = try await ScriptedServer { request, _ in
            request.target == "/slow" ? .delayed(3, response(200, "slow")) : .send(response(200, "fast"))
        }
        let client = HTTP1Client(configuration: .init(maxConnectionsPerHost: 1))
        let slow = Task { try await get(client, server.url + "/slow") }
        // The one connection is busy with /slow (answered 3 s after it arrives) before the
        // second request is made, so that one can only wait.
        try await waitUntil { server.requests.count == 1 }
        let waiting = Task { () async -> HTTP1Error? in await failure { try await get(client, server.url + "/waiting") } }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        #expect(await waiting.value == .cancelled)
        #expect(String(decoding: try await slow.value.body, as: UTF8.self) == "slow")
        #expect(String(decoding: try await get(client, server.url + "/after").body, as: UTF8.self) == "fast")
        #expect(!server.requests.contains { $0.target == "/waiting" })
        #expect(server.connections == 1)
        client.shutdown()
        await server.stop()
    }

    @Test func misbehavingServersGiveClearErrors() async throws {
        let server = try await ScriptedServer { request, _ in
            switch request.target {
            case "/garbage": return .sendAndClose("SMTP ready\r\n\r\n")
            case "/cut": return .sendAndClose("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
            case "/close": return .sendAndClose(response(200, "bye", ["Connection: close"]))
            default: return .send(response(200, "fine"))
            }
        }
        let client = HTTP1Client()
        if case .malformedResponse = await failure({ try await get(client, server.url + "/garbage") }) {} else {
            Issue.record("garbage was not a malformed response")
        }
        #expect(await failure { try await get(client, server.url + "/cut") } == .connectionClosed)
        // A server that closes after answering costs a new connection, not an error.
        #expect(try await get(client, server.url + "/close").status == 200)
        #expect(try await get(client, server.url + "/next").status == 200)
        let tooBig = await failure { try await client.perform(HTTP1Request(method: "GET", url: server.url + "/big"), timeout: .seconds(5), limit: 2) }
        #expect(tooBig == .refused("response body larger than 2 bytes"))
        client.shutdown()
        await server.stop()
    }

    @Test func whatCannotBeSentIsRefusedBeforeAnyConnection() async throws {
        let server = try await ScriptedServer { _, _ in .send(response(200)) }
        let client = HTTP1Client()
        let injected = await failure { try await get(client, server.url + "/", headers: [("X-Evil", "a\r\nInjected: yes")]) }
        #expect(injected == .invalidHeader(name: "X-Evil"))
        #expect("\(injected!)".contains("a\r\n") == false)
        #expect(await failure { try await get(client, server.url + "/", headers: [("Bad Name", "v")]) } == .invalidHeader(name: "Bad Name"))
        #expect(await failure { try await client.perform(HTTP1Request(method: "GE T", url: server.url), timeout: .seconds(1)) } == .invalidMethod)
        for url in ["ftp://host/", "http://", "http://user:pw@host/", "http://host:99999/", "http://host/a b", "http://[::1/"] {
            if case .invalidURL = await failure({ try await get(client, url) }) {} else { Issue.record("\(url) was accepted") }
        }
        #expect(server.connections == 0)
        client.shutdown()
        await server.stop()
    }

    @Test func aClosedPortIsAConnectFailureNamingIt() async throws {
        let server = try await ScriptedServer { _, _ in .send(response(200)) }
        let port = server.port
        await server.stop()
        let client = HTTP1Client()
        let error = await failure { try await get(client, "http://127.0.0.1:\(port)/") }
        #expect(error == .connectFailed("127.0.0.1:\(port): Connection refused"))
        client.shutdown()
    }

    @Test func targetsAreEncodedAndHostHeadersWritten() throws {
        let url = try HTTP1URL("http://example.com/v2/x?filter[a]=\"b\"&é=1#frag")
        #expect(url.target == "/v2/x?filter%5Ba%5D=%22b%22&%C3%A9=1")
        #expect(url.port == 80 && !url.secure)
        #expect(try HTTP1URL("https://[::1]:8443").target == "/")
        #expect(try HTTP1URL("https://[::1]:8443").host == "::1")
        #expect(try HTTP1URL("HTTPS://Example.com?x=1").target == "/?x=1")
        #expect(try HTTP1URL("https://example.com/keep%2Fencoded").target == "/keep%2Fencoded")
    }

    @Test func shutdownFailsWhatWaitsAndRefusesWhatComes() async throws {
        let server = try await ScriptedServer { _, _ in .delayed(3, response(200, "late")) }
        let client = HTTP1Client(configuration: .init(maxConnectionsPerHost: 1))
        let first = Task { try await get(client, server.url + "/1") }
        try await waitUntil { server.requests.count == 1 }
        let second = Task { () async -> HTTP1Error? in await failure { try await get(client, server.url + "/2") } }
        try await Task.sleep(for: .milliseconds(50))
        client.shutdown()
        #expect(await second.value == .shutDown)
        #expect(try await first.value.status == 200, "the exchange in progress finishes")
        #expect(await failure { try await get(client, server.url + "/3") } == .shutDown)
        await server.stop()
    }
}
