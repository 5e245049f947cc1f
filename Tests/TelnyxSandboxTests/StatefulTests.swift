import Telnyx
import TelnyxSandbox
import Testing

@Suite struct StatefulTests {
    /// Create, retrieve, update, list, delete, then 404 for one collection.
    func cycle(_ h: Harness, resource: String, base: String, update: (String, JSONValue), listKey: String = "data") async throws {
        let spec = try #require(Catalog.shared.method(named: resource + ".create"))
        let body = spec.body.map { sampleValue($0) } ?? .object([:])
        let created = try await h.send(.POST, base, json: body)
        #expect(created.status / 100 == 2, "\(resource) create: \(String(decoding: created.bytes, as: UTF8.self).prefix(300))")
        let record = created.json?["data"] ?? created.json
        let idKey = record?["id"] != nil ? "id" : "sid"
        let id = try #require(record?[idKey]?.stringValue, "\(resource): no id")
        let got = try await h.send(.GET, base + "/" + id)
        #expect(got.status == 200)
        #expect((got.json?["data"] ?? got.json)?[idKey]?.stringValue == id)
        // The update's own required members, plus the change under test.
        let updateSpec = try #require(Catalog.shared.method(named: resource + ".update"))
        var change = updateSpec.body.map { sampleValue($0).objectValue ?? [:] } ?? [:]
        change[update.0] = update.1
        let changed = try await h.send(spec.resource.hasPrefix("texml.") ? .POST : .PATCH, base + "/" + id, json: .object(change))
        #expect(changed.status == 200)
        let again = try await h.send(.GET, base + "/" + id)
        #expect((again.json?["data"] ?? again.json)?[update.0] == update.1)
        let listed = try await h.send(.GET, base + "?page[size]=250&PageSize=250")
        let ids = (listed.json?[listKey]?.arrayValue ?? []).compactMap { $0[idKey]?.stringValue }
        #expect(ids.contains(id))
        #expect(try await h.send(.DELETE, base + "/" + id).status / 100 == 2)
        let gone = try await h.send(.GET, base + "/" + id)
        #expect(gone.status == 404)
        #expect(gone.json?["errors"]?[0]?["code"] == "10005")
    }

    @Test func externalConnectionsCycle() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        try await cycle(h, resource: "external_connections", base: "/v2/external_connections", update: ("tags", ["blue"]))
    }

    @Test func texmlApplicationsCycle() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        try await cycle(h, resource: "texml_applications", base: "/v2/texml_applications", update: ("friendly_name", "renamed"))
    }

    @Test func texmlQueuesCycle() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        try await cycle(h, resource: "texml.accounts.queues", base: "/v2/texml/Accounts/AC1/Queues", update: ("max_size", 7), listKey: "queues")
    }

    @Test func phoneNumbersUpdateFilterDelete() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        let page = try await h.send(.GET, "/v2/phone_numbers?page[size]=3")
        let first = try #require(page.json?["data"]?[0])
        let id = try #require(first["id"]?.stringValue)
        #expect(try await h.send(.PATCH, "/v2/phone_numbers/\(id)", json: ["tags": ["vip"]]).status == 200)
        let tagged = try await h.send(.GET, "/v2/phone_numbers?filter[tag]=vip")
        #expect(tagged.json?["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [id])
        let number = try #require(first["phone_number"]?.stringValue)
        let byNumber = try await h.send(.GET, "/v2/phone_numbers?filter[phone_number]=\(number.dropFirst())")
        #expect(byNumber.json?["meta"]?["total_results"] == 1)
        let connection = try #require(first["connection_id"]?.stringValue)
        let byConnection = try await h.send(.GET, "/v2/phone_numbers?filter[connection_id]=\(connection)&page[size]=250")
        #expect(byConnection.json?["data"]?.arrayValue?.allSatisfy { $0["connection_id"]?.stringValue == connection } == true)
        #expect(try await h.send(.GET, "/v2/phone_numbers/\(id)/voice").status == 200)
        #expect(try await h.send(.DELETE, "/v2/phone_numbers/\(id)").status == 200)
        #expect(try await h.send(.GET, "/v2/phone_numbers/\(id)").status == 404)
        #expect(try await h.send(.GET, "/v2/phone_numbers/\(id)/voice").status == 404)
        let after = try await h.send(.GET, "/v2/phone_numbers?page[size]=1")
        #expect(after.json?["meta"]?["total_results"] == 99)
    }

    /// `filter[number_type]` tests the record's `phone_number_type`, and a filter on a field the
    /// cheap index-derived fields lack still filters a big collection (it was ignored: every
    /// number matched), on whole records, the same as on a small one.
    @Test(arguments: [100, 1500])
    func filtersOnAnyFieldOfTheRecord(numbers: Int) async throws {
        var configuration = SandboxConfiguration()
        configuration.phoneNumbers = numbers
        let h = try await Harness.start(configuration)
        defer { Task { try await h.stop() } }
        let all = try await h.send(.GET, "/v2/phone_numbers?page[size]=250")
        let records = try #require(all.json?["data"]?.arrayValue)
        let locals = records.filter { $0["phone_number_type"]?.stringValue == "local" }.count
        #expect(locals > 0 && locals < records.count)
        let filtered = try await h.send(.GET, "/v2/phone_numbers?filter[number_type][eq]=local&page[size]=250")
        let kept = try #require(filtered.json?["data"]?.arrayValue)
        #expect(!kept.isEmpty && kept.allSatisfy { $0["phone_number_type"]?.stringValue == "local" })
        if numbers <= 250 { #expect(kept.count == locals) }
        let total = try #require(filtered.json?["meta"]?["total_results"]?.intValue)
        #expect(total < numbers, "the filter was ignored: \(total) of \(numbers)")
    }
}
