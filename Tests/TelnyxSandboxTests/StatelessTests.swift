import Telnyx
import TelnyxSandbox
import Testing

/// `--stateless` (as Prism): any well-formed id answers a record generated from the schema;
/// the default, stateful sandbox answers 404 for a record it never made.
@Suite struct StatelessTests {
    @Test func anyIdAnswersWhenStateless() async throws {
        var configuration = SandboxConfiguration()
        configuration.stateless = true
        let h = try await Harness.start(configuration)
        defer { Task { try await h.stop() } }
        let id = "7a1c9b52-3d4e-4f60-8a7b-9c0d1e2f3a4b"
        let connection = try await h.send(.GET, "/v2/external_connections/\(id)")  // stateful by default
        #expect(connection.status == 200)
        #expect(connection.json?["data"]?["id"]?.stringValue == id)
        // Newer than the spec: the SDK's model is the answer (an RCS agent has its agent_id).
        let agent = try await h.send(.GET, "/v2/rcs/agents/a1")
        #expect(agent.status == 200)
        #expect(agent.json?["agent_id"]?.stringValue != nil)
        // An action on a call that was never dialled: no simulation, a generated answer.
        let hangup = try await h.send(.POST, "/v2/calls/v3:nope/actions/hangup", json: .object([:]))
        #expect(hangup.status == 200)
    }

    @Test func unknownIdsAreNotFoundWhenStateful() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        let connection = try await h.send(.GET, "/v2/external_connections/7a1c9b52-3d4e-4f60-8a7b-9c0d1e2f3a4b")
        #expect(connection.status == 404)
    }

    /// Query values are percent-decoded before they are checked (`created%5Fat` is `created_at`).
    @Test func encodedQueryValuesAreDecoded() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        for query in ["sort=created%5Fat", "sort=%2Dcreated%5fat", "filter%5Bname%5D=a%20b&sort=created_at"] {
            let answer = try await h.send(.GET, "/v2/authentication_providers?\(query)")
            #expect(answer.status == 200, "\(query): \(String(decoding: answer.bytes, as: UTF8.self))")
        }
        let refused = try await h.send(.GET, "/v2/authentication_providers?sort=created%5Fon")
        #expect(refused.status == 422)
    }
}
