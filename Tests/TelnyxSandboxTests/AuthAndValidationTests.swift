import Telnyx
import TelnyxSandbox
import Testing

@Suite struct AuthAndValidationTests {
    @Test func missingTokenIs401InTelnyxFormat() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        let answer = try await h.send(.GET, "/v2/phone_numbers", token: nil)
        #expect(answer.status == 401)
        #expect(answer.json?["errors"]?[0]?["code"] == "10009")
    }

    @Test func configuredKeyIsEnforcedAndOAuthTokensAreAccepted() async throws {
        let h = try await Harness.start(SandboxConfiguration(apiKey: "KEY123"))
        defer { Task { try await h.stop() } }
        #expect(try await h.send(.GET, "/v2/balance", token: "wrong").status == 401)
        #expect(try await h.send(.GET, "/v2/balance", token: "KEY123").status == 200)
        let issued = try await h.send(.POST, "/v2/oauth/token", json: ["grant_type": "client_credentials"], token: nil)
        #expect(issued.status == 200)
        let token = try #require(issued.json?["access_token"]?.stringValue)
        #expect(try await h.send(.GET, "/v2/balance", token: token).status == 200)
    }

    @Test func missingRequiredFieldIs422WithPointer() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        let spec = try #require(Catalog.shared.method(named: "texml_applications.create"))
        let required = try #require(spec.body?.required.sorted().first)
        var body = sampleValue(try #require(spec.body)).objectValue ?? [:]
        body[required] = nil
        let answer = try await h.send(.POST, "/v2/texml_applications", json: .object(body))
        #expect(answer.status == 422)
        let pointers = answer.json?["errors"]?.arrayValue?.compactMap { $0["source"]?["pointer"]?.stringValue } ?? []
        #expect(pointers.contains("/" + required))
    }

    @Test func wrongTypeIs422AndMalformedJSONIs400() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        let spec = try #require(Catalog.shared.method(named: "texml_applications.create"))
        var body = sampleValue(try #require(spec.body)).objectValue ?? [:]
        body["active"] = "yes"
        let typed = try await h.send(.POST, "/v2/texml_applications", json: .object(body))
        #expect(typed.status == 422)
        #expect(typed.json?["errors"]?[0]?["source"]?["pointer"] == "/active")
        let malformed = try await h.send(.POST, "/v2/texml_applications", raw: "{\"friendly_name\": ")
        #expect(malformed.status == 400)
    }
}
