import Logging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import Telnyx

@Suite("Client over loopback HTTP")
struct ClientTransportTests {
    @Test func sendsAuthUserAgentAndReturnsTheResponse() async throws {
        try await withServer({ _, _ in .json(200, #"{"data":{"id":"1"}}"#, headers: [("x-request-id", "req-9")]) }) {
            server, client, _ in
            let response = try await client.send(
                APIRequest(method: "get", route: "/phone_numbers/{id}", pathParams: ["id": "+1 555/01"]))
            let seen = try #require(server.requests.first)
            #expect(seen.method == "GET")
            #expect(seen.uri == "/v2/phone_numbers/+1%20555%2F01")
            #expect(seen.header("Authorization") == "Bearer \(testKey)")
            #expect(seen.header("User-Agent") == "telnyx-lua/\(TelnyxVersion.string)")
            #expect(seen.header("Accept") == "application/json")
            #expect(response.status == 200)
            #expect(response.requestID == "req-9")
            #expect(response.isJSON)
            #expect(try response.json()["data"]?["id"]?.stringValue == "1")
        }
    }

    @Test func unauthorizedMapsToAuthenticationWithTheServersDetail() async throws {
        let body = #"{"errors":[{"code":"10009","title":"Authentication failed","detail":"Could not understand the provided credentials."}]}"#
        try await withServer({ _, _ in .json(401, body, headers: [("x-request-id", "r-401")]) }) { _, client, _ in
            let error = try #require(await sendError(client, listNumbers))
            #expect(error.kind == .authentication)
            #expect(error.status == 401)
            #expect(error.requestID == "r-401")
            #expect(error.message.contains("Could not understand the provided credentials. (code 10009)"))
            #expect(error.errors.first?.title == "Authentication failed")
        }
    }

    @Test func jsonBodyAndHeadersArrive() async throws {
        try await withServer { server, client, _ in
            let body = JSONValue.object(["to": "+15550001", "text": "héllo"]).jsonBytes
            _ = try await client.send(
                APIRequest(method: "POST", route: "/messages", body: .json(body), headers: [("X-Extra", "1")]),
                options: RequestOptions(headers: [("X-Extra", "2"), ("X-Other", "o")]))
            let seen = try #require(server.requests.first)
            #expect(seen.method == "POST")
            #expect(seen.body == body)
            #expect(seen.header("Content-Type") == "application/json")
            #expect(seen.header("X-Extra") == "2")
            #expect(seen.header("X-Other") == "o")
        }
    }

    @Test func perRequestBaseURLAndAPIKeyOverride() async throws {
        let other = try await TestServer.start()
        try await withServer { server, client, _ in
            _ = try await client.send(listNumbers, options: RequestOptions(apiKey: "KEYother", baseURL: other.baseURL))
            #expect(server.count == 0)
            #expect(other.requests.first?.header("Authorization") == "Bearer KEYother")
        }
        await other.stop()
    }

    @Test func queryOfNestedFiltersAndArraysReachesTheServer() async throws {
        try await withServer { server, client, _ in
            let request = APIRequest(
                method: "GET", route: "/phone_numbers",
                query: [
                    QueryParameter(
                        name: "filter", value: ["tag": "x", "phone_number": ["contains": "555"], "status": ["a", "b"]],
                        style: .deepObject),
                    QueryParameter(name: "page", value: ["number": 2], style: .deepObject),
                    QueryParameter(name: "id", value: ["1", "2"], style: .form, explode: true),
                    QueryParameter(name: "include", value: ["x", "y"], style: .form, explode: false),
                    QueryParameter(name: "active", value: true), QueryParameter(name: "skip", value: nil),
                ])
            _ = try await client.send(request)
            let pairs = try #require(server.requests.first).queryPairs.map { "\($0.0)=\($0.1)" }
            #expect(pairs == [
                "filter[phone_number][contains]=555", "filter[status]=a,b", "filter[tag]=x", "page[number]=2",
                "id=1", "id=2", "include=x,y", "active=true",
            ])
        }
    }

    @Test func emptyPathParameterFailsBeforeSending() async throws {
        try await withServer { server, client, _ in
            let error = await sendError(client, APIRequest(method: "GET", route: "/phone_numbers/{id}", pathParams: ["id": ""]))
            #expect(error?.kind == .validation)
            #expect(error?.message == "expected a non-empty value for 'id'")
            #expect(server.count == 0)
        }
    }

    @Test func multipartUploadArrivesByteExact() async throws {
        let binary: [UInt8] = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) } + [0, 0, 0x0D, 0x0A, 0x2D, 0x2D]
        let path = "/tmp/telnyx-client-test-\(getpid()).bin"
        let file = try #require(fopen(path, "wb"))
        _ = binary.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
        defer { unlink(path) }
        try await withServer { server, client, _ in
            let parts = [
                MultipartPart(name: "purpose", text: "media"),
                try MultipartPart(name: "media", filePath: path, contentType: "audio/wav"),
            ]
            _ = try await client.send(APIRequest(method: "POST", route: "/media", body: .multipart(parts)))
            let seen = try #require(server.requests.first)
            let contentType = try #require(seen.header("Content-Type"))
            #expect(contentType.hasPrefix("multipart/form-data; boundary="))
            let boundary = String(contentType.split(separator: "=", maxSplits: 1)[1])
            let received = parseMultipart(seen.body, boundary: boundary)
            #expect(received.count == 2)
            #expect(received.first?.headers.contains("name=\"purpose\"") == true)
            #expect(received.first?.data == Array("media".utf8))
            let media = try #require(received.last)
            #expect(media.headers.contains("filename=\"telnyx-client-test-\(getpid()).bin\""))
            #expect(media.headers.contains("Content-Type: audio/wav"))
            #expect(media.data == binary)
        }
    }

    @Test func binaryDownloadComesBackByteExact() async throws {
        let bytes: [UInt8] = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 31 + 1) }
        try await withServer({ _, _ in TestServer.Reply(headers: [("Content-Type", "audio/mpeg")], body: bytes) }) {
            _, client, _ in
            let response = try await client.send(APIRequest(method: "GET", route: "/recordings/{id}/download", pathParams: ["id": "r1"]))
            #expect(response.body == bytes)
            #expect(response.contentType == "audio/mpeg")
            #expect(!response.isJSON)
        }
    }

    @Test func sixtyFourConcurrentRequestsSharePooledConnections() async throws {
        try await withServer({ _, _ in TestServer.Reply(delay: 0.05) }) { server, client, _ in
            let statuses = await withTaskGroup(of: Int.self) { group in
                for i in 0..<64 {
                    group.addTask {
                        let request = APIRequest(method: "GET", route: "/phone_numbers/{id}", pathParams: ["id": "\(i)"])
                        return (try? await client.send(request))?.status ?? -1
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count == 64 && statuses.allSatisfy { $0 == 200 })
            #expect(server.count == 64)
            #expect(server.maxInFlight > 1)
            #expect(server.connections <= 64)
            // A second wave reuses the pooled (keep-alive) connections instead of opening new ones.
            let before = server.connections
            for _ in 0..<8 { _ = try await client.send(listNumbers) }
            #expect(server.connections == before)
            print("concurrency: 64 requests, max in flight \(server.maxInFlight), connections \(server.connections)")
        }
    }

    @Test func secretsAppearInNoLogLineOrErrorMessage() async throws {
        let (logger, logs) = CapturingLogHandler.logger()
        // The server echoes the credentials back, as a careless proxy might.
        try await withServer(logger: logger, { request, _ in
            let echoed = request.header("Authorization") ?? ""
            return .json(401, #"{"errors":[{"code":"10009","detail":"bad credentials: \#(echoed)"}]}"#,
                headers: [("X-Echo", echoed)])
        }) { _, client, _ in
            let body = JSONValue.object(["api_key": .string(testKey), "note": .string("key=\(testKey)")]).jsonBytes
            let error = try #require(await sendError(client, APIRequest(method: "POST", route: "/x", body: .json(body))))
            #expect(error.kind == .authentication)
            let surfaces = [logs.text, error.message, error.description, "\(error.body ?? .null)",
                "\(error.headers)", "\(client)", "\(client.options)"]
            for text in surfaces {
                #expect(!text.contains(testKey), "key leaked in: \(text)")
            }
            #expect(logs.all.contains { $0.contains("401") })
            #expect(logs.text.contains("Authorization: Bearer [REDACTED]"))
            #expect(error.message.contains("bad credentials: Bearer [REDACTED]"))
        }
    }

    @Test func oauthTokenIsFetchedOnceCachedAndRedacted() async throws {
        let (logger, logs) = CapturingLogHandler.logger()
        let token = "TOKEN_oauth_abcdef123456"
        let server = try await TestServer.start { request, _ in
            if request.path == "/v2/oauth/token" {
                return .json(200, #"{"access_token":"\#(token)","token_type":"bearer","expires_in":3600}"#)
            }
            return request.header("Authorization") == "Bearer \(token)" ? .json(200, "{}") : .json(401, "{}")
        }
        var options = ClientOptions(clientID: "client-1", clientSecret: "SECRET_client_xyz", baseURL: server.baseURL)
        options.logger = logger
        let client = TelnyxClient(options: options)
        for _ in 0..<3 { _ = try await client.send(listNumbers) }
        await client.shutdown()
        await server.stop()
        let tokenRequests = server.requests.filter { $0.path == "/v2/oauth/token" }
        #expect(tokenRequests.count == 1)
        #expect(server.count == 4)
        let tokenRequest = try #require(tokenRequests.first)
        #expect(tokenRequest.method == "POST")
        #expect(tokenRequest.body == Array("grant_type=client_credentials".utf8))
        #expect(tokenRequest.header("Authorization") == "Basic " + Base64.encode(Array("client-1:SECRET_client_xyz".utf8)))
        #expect(tokenRequest.header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(!logs.text.contains(token) && !logs.text.contains("SECRET_client_xyz"))
        #expect(!"\(options)".contains("SECRET_client_xyz"))
    }

    @Test func base64MatchesRFC4648Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors { #expect(Base64.encode(Array(plain.utf8)) == encoded) }
    }
}

/// Splits a multipart body into (header block, data) pairs, independently of the client's encoder.
func parseMultipart(_ body: [UInt8], boundary: String) -> [(headers: String, data: [UInt8])] {
    let delimiter = Array("\r\n--\(boundary)".utf8)
    // Prefix a CRLF so the first delimiter looks like the others.
    let bytes = Array("\r\n".utf8) + body
    var starts: [Int] = []
    var i = 0
    while i + delimiter.count <= bytes.count {
        if bytes[i..<(i + delimiter.count)].elementsEqual(delimiter) {
            starts.append(i)
            i += delimiter.count
        } else {
            i += 1
        }
    }
    var parts: [(String, [UInt8])] = []
    for (start, end) in zip(starts, starts.dropFirst()) {
        let section = Array(bytes[(start + delimiter.count + 2)..<end])  // skip the CRLF after the boundary
        guard let split = (0..<max(section.count - 3, 0)).first(where: {
            section[$0] == 0x0D && section[$0 + 1] == 0x0A && section[$0 + 2] == 0x0D && section[$0 + 3] == 0x0A
        }) else { continue }
        parts.append((String(decoding: section[..<split], as: UTF8.self), Array(section[(split + 4)...])))
    }
    return parts
}

@Suite("OAuth refresh")
struct OAuthRefreshTests {
    @Test func expiredTokenRejectedWithUnauthorizedIsRefreshedAndRetried() async throws {
        // `expires_in: 5` is inside the 10 s safety margin, so the token counts as expired at once.
        let server = try await TestServer.start { request, index in
            if request.path == "/v2/oauth/token" {
                return .json(200, #"{"access_token":"TOKEN_\#(index)_abcdef","expires_in":5}"#)
            }
            return index == 1 ? .json(401, #"{"errors":[{"detail":"token expired"}]}"#) : .json(200, "{}")
        }
        let client = TelnyxClient(options: ClientOptions(
            clientID: "client-1", clientSecret: "SECRET_client_xyz", baseURL: server.baseURL, retryDelayScale: testDelayScale))
        let response = try await client.send(listNumbers)
        await client.shutdown()
        await server.stop()
        #expect(response.status == 200)
        #expect(server.requests.map(\.path) == ["/v2/oauth/token", "/v2/phone_numbers", "/v2/oauth/token", "/v2/phone_numbers"])
        #expect(server.requests.last?.header("Authorization") == "Bearer TOKEN_2_abcdef")
    }

    @Test func failedTokenRequestIsAnAuthenticationErrorWithoutTheSecret() async throws {
        let server = try await TestServer.start { _, _ in .json(401, #"{"errors":[{"detail":"invalid_client"}]}"#) }
        let client = TelnyxClient(options: ClientOptions(
            clientID: "client-1", clientSecret: "SECRET_client_xyz", baseURL: server.baseURL, retryDelayScale: testDelayScale))
        let error = await sendError(client, listNumbers)
        await client.shutdown()
        await server.stop()
        #expect(error?.kind == .authentication)
        #expect(error?.message.hasPrefix("OAuth token request failed: 401 Unauthorized: invalid_client") == true)
        #expect(server.requests.map(\.path) == ["/v2/oauth/token"])
    }
}
