import Testing

@testable import Telnyx

@Suite("Errors")
struct ErrorTests {
    private func error(_ status: Int, _ body: String, headers: [(String, String)] = []) -> TelnyxError {
        TelnyxError.fromResponse(
            APIResponse(status: status, headers: headers, body: Array(body.utf8)), redactor: Redactor(secrets: []))
    }

    @Test func kindsAndClassNamesFollowTheSDKs() {
        let expected: [Int: String] = [
            400: "BadRequestError", 401: "AuthenticationError", 403: "PermissionDeniedError", 404: "NotFoundError",
            409: "ConflictError", 422: "UnprocessableEntityError", 429: "RateLimitError", 500: "InternalServerError",
            503: "InternalServerError", 418: "APIStatusError",
        ]
        for (status, name) in expected {
            #expect(TelnyxError.Kind.forStatus(status).className == name)
        }
        #expect(TelnyxError.Kind.connection.className == "APIConnectionError")
        #expect(TelnyxError.Kind.timeout.className == "APITimeoutError")
        #expect(TelnyxError.Kind.validation.className == "ValidationError")
    }

    @Test func telnyxErrorsArrayBuildsTheMessage() {
        let body = #"{"errors":[{"code":"10005","title":"Resource not found","detail":"Resource not found","source":{"pointer":"/id"}}]}"#
        let err = error(404, body, headers: [("x-request-id", "req-1")])
        #expect(err.kind == .notFound)
        #expect(err.message == "404 Not Found: Resource not found (code 10005) at /id [request_id req-1]")
        #expect(err.errors.first?.code == "10005")
        #expect(err.errors.first?.pointer == "/id")
        #expect(err.errors.first?.raw["title"]?.stringValue == "Resource not found")
        #expect(err.requestID == "req-1")
        #expect(err.description.hasPrefix("NotFoundError: 404 Not Found"))
    }

    @Test func titleAndDetailAreBothShownWhenTheyDiffer() {
        let err = error(422, #"{"errors":[{"code":10015,"title":"Bad value","detail":"must be E.164"}]}"#)
        #expect(err.message == "422 Unprocessable Entity: Bad value: must be E.164 (code 10015)")
    }

    @Test func malformedBodiesStillGiveAClearMessage() {
        let html = error(502, "<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>")
        #expect(html.kind == .internalServer)
        #expect(html.message == "502 Bad Gateway: 502 Bad Gateway nginx")
        #expect(error(500, "").message == "500 Internal Server Error (empty response body)")
        #expect(error(400, "{not json").message == "400 Bad Request: {not json")
        #expect(error(429, #"{"message":"slow down"}"#).message == "429 Too Many Requests: slow down")
    }

    @Test func secretsAreRedactedFromErrorBodies() {
        let response = APIResponse(
            status: 401, headers: [], body: Array(#"{"errors":[{"detail":"bad key KEYsecret123"}]}"#.utf8))
        let err = TelnyxError.fromResponse(response, redactor: Redactor(secrets: ["KEYsecret123"]))
        #expect(!err.message.contains("KEYsecret123"))
        #expect(!(err.body?.jsonString.contains("KEYsecret123") ?? true))
        #expect(err.message.contains("[REDACTED]"))
    }

    @Test func optionsDescriptionHidesCredentials() {
        var options = ClientOptions(apiKey: "KEYsecret123", clientID: "cid", clientSecret: "shhh-secret")
        options.defaultHeaders = [("Authorization", "Bearer other-token"), ("X-Trace", "1")]
        let text = "\(options) \(RequestOptions(headers: [("authorization", "Bearer zz-token")], apiKey: "KEYother456"))"
        for secret in ["KEYsecret123", "shhh-secret", "other-token", "zz-token", "KEYother456"] {
            #expect(!text.contains(secret), "\(secret) leaked")
        }
        #expect(text.contains("X-Trace: 1"))
    }

    @Test func environmentOptions() {
        let options = ClientOptions.fromEnvironment([
            "TELNYX_API_KEY": "KEYenv", "TELNYX_BASE_URL": "http://127.0.0.1:1/v2", "TELNYX_CLIENT_ID": "id",
        ])
        #expect(options.apiKey == "KEYenv")
        #expect(options.baseURL == "http://127.0.0.1:1/v2")
        #expect(options.clientID == "id")
        #expect(options.timeout == 60 && options.connectTimeout == 5 && options.maxRetries == 2)
        #expect(ClientOptions.fromEnvironment([:]).baseURL == "https://api.telnyx.com/v2")
    }
}
