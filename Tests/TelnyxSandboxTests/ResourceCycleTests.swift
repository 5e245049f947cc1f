import Telnyx
import TelnyxSandbox
import Testing

/// Create/retrieve/update/list/delete cycles of TeXML calls and conferences, recordings and
/// media: each step must see what the earlier ones did.
@Suite struct ResourceCycleTests {
    /// The record of an answer: `data` when enveloped, else the body.
    func record(_ answer: Harness.Answer) -> JSONValue? { answer.json?["data"] ?? answer.json }

    /// The request body a method requires, from its catalog schema.
    func sample(_ name: String) throws -> JSONValue {
        let spec = try #require(Catalog.shared.method(named: name))
        return spec.body.map { sampleValue($0) } ?? .object([:])
    }

    @Test func texmlCallCreateRetrieveUpdateList() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        let base = "/v2/texml/Accounts/AC1/Calls"
        let created = try await h.send(.POST, base, json: try sample("texml.accounts.calls.calls"))
        #expect(created.status / 100 == 2, "\(String(decoding: created.bytes.prefix(300), as: UTF8.self))")
        // The spec's InitiateCallResult carries no sid: the new call is the list's last one.
        let listed = try await h.send(.GET, base + "?PageSize=250")
        let calls = try #require(listed.json?["calls"]?.arrayValue)
        #expect(calls.count == 26)
        let key = try #require(["call_sid", "sid"].first { calls.last?[$0]?.stringValue != nil })
        let sid = try #require(calls.last?[key]?.stringValue)
        #expect(!calls.dropLast().contains { $0[key]?.stringValue == sid })
        let got = try await h.send(.GET, base + "/" + sid)
        #expect(got.status == 200)
        #expect(record(got)?[key]?.stringValue == sid)
        var change = try sample("texml.accounts.calls.update").objectValue ?? [:]
        change["status"] = "completed"
        let updated = try await h.send(.POST, base + "/" + sid, json: .object(change))
        #expect(updated.status == 200)
        #expect(record(updated)?[key]?.stringValue == sid)
        #expect(record(try await h.send(.GET, base + "/" + sid))?["status"] == "completed")
        #expect(try await h.send(.GET, base + "/not-a-call").status == 404)
    }

    @Test func texmlConferenceListRetrieveUpdate() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        let base = "/v2/texml/Accounts/AC1/Conferences"
        let listed = try await h.send(.GET, base + "?PageSize=5")
        let conferences = try #require(listed.json?["conferences"]?.arrayValue)
        #expect(conferences.count == 5)
        let sid = try #require(conferences[1]["sid"]?.stringValue)
        let got = try await h.send(.GET, base + "/" + sid)
        #expect(got.status == 200)
        #expect(record(got)?["sid"]?.stringValue == sid)
        #expect(record(got)?["friendly_name"] == conferences[1]["friendly_name"])
        var change = try sample("texml.accounts.conferences.update").objectValue ?? [:]
        change["friendly_name"] = "renamed"
        #expect(try await h.send(.POST, base + "/" + sid, json: .object(change)).status == 200)
        #expect(record(try await h.send(.GET, base + "/" + sid))?["friendly_name"] == "renamed")
        let again = try await h.send(.GET, base + "?PageSize=5")
        #expect(again.json?["conferences"]?[1]?["friendly_name"] == "renamed")
        #expect(try await h.send(.GET, base + "/CF-none").status == 404)
    }

    @Test func recordingsListRetrieveDelete() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        let listed = try await h.send(.GET, "/v2/recordings?page[size]=5")
        #expect(listed.json?["meta"]?["total_results"] == 25)
        let id = try #require(listed.json?["data"]?[2]?["id"]?.stringValue)
        let got = try await h.send(.GET, "/v2/recordings/\(id)")
        #expect(got.status == 200)
        #expect(record(got)?["id"]?.stringValue == id)
        #expect(try await h.send(.DELETE, "/v2/recordings/\(id)").status / 100 == 2)
        let gone = try await h.send(.GET, "/v2/recordings/\(id)")
        #expect(gone.status == 404)
        #expect(gone.json?["errors"]?[0]?["code"] == "10005")
        let after = try await h.send(.GET, "/v2/recordings?page[size]=5")
        #expect(after.json?["meta"]?["total_results"] == 24)
        #expect(after.json?["data"]?.arrayValue?.contains { $0["id"]?.stringValue == id } == false)
    }

    @Test func mediaUploadRetrieveUpdateListDownloadDelete() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        var body = try sample("media.upload").objectValue ?? [:]
        body["media_name"] = "greeting"
        let created = try await h.send(.POST, "/v2/media", json: .object(body))
        #expect(created.status / 100 == 2, "\(String(decoding: created.bytes.prefix(300), as: UTF8.self))")
        #expect(record(created)?["media_name"] == "greeting")
        let got = try await h.send(.GET, "/v2/media/greeting")
        #expect(got.status == 200)
        #expect(record(got)?["media_name"] == "greeting")
        // The media record shows no request field (ttl_secs, media_url): an update answers for the same record.
        let updated = try await h.send(.PUT, "/v2/media/greeting", json: ["ttl_secs": 600])
        #expect(updated.status == 200)
        #expect(record(updated)?["media_name"] == "greeting")
        #expect(try await h.send(.PUT, "/v2/media/no-such-media", json: ["ttl_secs": 600]).status == 404)
        let listed = try await h.send(.GET, "/v2/media")
        let names = (listed.json?["data"]?.arrayValue ?? []).compactMap { $0["media_name"]?.stringValue }
        #expect(names.contains("greeting"))
        let download = try await h.send(.GET, "/v2/media/greeting/download")
        #expect(download.status == 200)
        #expect(!download.bytes.isEmpty)
        #expect(try await h.send(.DELETE, "/v2/media/greeting").status / 100 == 2)
        #expect(try await h.send(.GET, "/v2/media/greeting").status == 404)
        #expect(try await h.send(.GET, "/v2/media/greeting/download").status == 404)
    }
}
