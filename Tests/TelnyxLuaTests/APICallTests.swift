import Foundation
import Telnyx
import TelnyxSandbox
import Testing

/// Calling conventions, encoding, results and the helpers around them, against the sandbox.
@Suite struct APICallTests {
    /// The last request the sandbox logged.
    func lastRequest(_ h: SandboxHarness) async throws -> JSONValue {
        try #require(try await h.requests()["requests"]?.arrayValue?.last)
    }

    @Test func namesAliasesKeywordsAndListing() async throws {
        try await withSandbox { h in
            let r = try await h.run("""
                local same = telnyx.phoneNumbers.slimList == telnyx.phone_numbers.slim_list
                local keys = {}
                for k, v in pairs(telnyx.phone_numbers) do keys[#keys + 1] = k .. ":" .. type(v) end
                table.sort(keys)
                local root_alias = false
                for k in pairs(telnyx) do if k == "phoneNumbers" then root_alias = true end end
                local ended = telnyx.rooms.sessions.actions["end"]
                local ok, e1 = pcall(function() return telnyx.phone_number end)
                local ok2, e2 = pcall(function() return telnyx.phone_numbers.lisst end)
                return same, table.concat(keys, ","), root_alias, type(ended), telnyx.describe(ended).name, e1, e2,
                  telnyx.describe(telnyx.phoneNumbers.slimList).name
                """)
            #expect(r[0] == .boolean(true))
            let (resources, methods) = Catalog.shared.children(of: "phone_numbers")
            let expected = (resources.map { "\($0):table" } + methods.map { "\($0):function" }).sorted()
            #expect(r[1].stringValue == expected.joined(separator: ","))
            #expect(r[1].stringValue?.contains("slimList") == false)
            #expect(r[2] == .boolean(false))
            #expect(r[3].stringValue == "function")
            #expect(r[4].stringValue == "rooms.sessions.actions.end")
            #expect(r[5].stringValue == "test:8: telnyx has no resource or method 'phone_number' (did you mean 'phone_numbers'?)")
            #expect(r[6].stringValue == "test:9: telnyx.phone_numbers has no resource or method 'lisst' (did you mean 'list'?)")
            #expect(r[7].stringValue == "phone_numbers.slim_list")
        }
    }

    /// The SDKs' spellings are aliases: Python's `from_` and flattened `page_size`, the
    /// JavaScript SDK's camelCase; the same parameter under two spellings is refused.
    @Test func theSDKsSpellingsAreAccepted() async throws {
        try await withSandbox { h in
            try await h.resetLog()
            let r = try await h.run("""
                for _ in telnyx.phone_numbers.list{page_size = 2, page_number = 3} do break end
                telnyx.messages.send{from_ = "+13125550100", to = "+13125550101", text = "hi"}
                telnyx.calls.dial{connectionId = "c1", from = "+13125550100", to = "+13125550101"}
                local twice = select(2, pcall(telnyx.messages.send, {from_ = "+1", from = "+2", to = "+3", text = "x"}))
                local clash = select(2, pcall(telnyx.phone_numbers.list, {page_size = 2, page = {size = 3}}))
                -- The route's name for a path parameter the SDK renames, and the error that says so.
                local profile = telnyx.messaging_profiles.create{name = "p", whitelisted_destinations = {"US"}}.data
                local same = telnyx.messaging_profiles.retrieve{id = profile.id}.data.id == profile.id
                local missing = select(2, pcall(telnyx.messaging_profiles.retrieve))
                return tostring(twice), tostring(clash), same, tostring(missing)
                """)
            #expect(r[2] == .boolean(true))
            #expect(r[3].stringValue?.contains("'messaging_profile_id' (the first argument; the {id} of /messaging_profiles/{id}, also accepted as 'id')") == true)
            #expect(r[0].stringValue?.contains("'from' is given twice (also as 'from_')") == true)
            #expect(r[1].stringValue?.contains("'page.size' is given twice (also as 'page_size')") == true)
            let log = try await h.requests()["requests"]?.arrayValue ?? []
            // (The paginator may also have prefetched page 4 before the loop broke.)
            #expect(log.first?["query"]?.stringValue == "page%5Bnumber%5D=3&page%5Bsize%5D=2")
            let posts = log.filter { $0["method"]?.stringValue == "POST" && $0["path"]?.stringValue != "/messaging_profiles" }
            #expect(posts.compactMap { $0["path"]?.stringValue } == ["/messages", "/calls"])
            let sent = posts.compactMap { $0["body"]?.stringValue }.joined(separator: " ")
            #expect(sent.contains(#""from":"+13125550100""#) && !sent.contains("from_"))
            #expect(sent.contains(#""connection_id":"c1""#) && !sent.contains("connectionId"))
        }
    }

    @Test func positionalParamsAndOneTableReachTheSameRecord() async throws {
        try await withSandbox { h in
            let id = try #require(h.server.seededID(route: "/phone_numbers/{id}", parameter: "id"))
            try await h.resetLog()
            let r = try await h.run("""
                local a = telnyx.phone_numbers.retrieve("\(id)")
                local b = telnyx.phone_numbers.retrieve{id = "\(id)"}
                local c = telnyx.phone_numbers.retrieve("\(id)", {})
                return a.data.id, b.data.id, c.data.id
                """)
            #expect(r.map(\.stringValue) == [id, id, id])
            let paths = (try await h.requests()["requests"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
            #expect(paths == Array(repeating: "/phone_numbers/\(id)", count: 3))
        }
    }

    @Test func keywordPathParametersFillTheRoute() async throws {
        try await withSandbox { h in
            let route = "/texml/Accounts/{account_sid}/Calls/{call_sid}"
            let account = h.server.seededID(route: route, parameter: "account_sid") ?? "AC-walk"
            let call = try #require(h.server.seededID(route: route, parameter: "call_sid"))
            try await h.resetLog()
            let r = try await h.run("""
                local a = telnyx.texml.accounts.calls.retrieve("\(call)", {account_sid = "\(account)"})
                local b = telnyx.texml.accounts.calls.retrieve{call_sid = "\(call)", account_sid = "\(account)"}
                return a.sid, b.sid
                """)
            #expect(r.map(\.stringValue) == [call, call])
            let paths = (try await h.requests()["requests"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
            #expect(paths == Array(repeating: "/texml/Accounts/\(account)/Calls/\(call)", count: 2))
        }
    }

    @Test func renamedPathParametersGoByTheirSDKNames() async throws {
        try await withSandbox { h in
            try await h.resetLog()
            // The SDKs call `{id}` of /messaging_profiles/{id} `messaging_profile_id`.
            let r = try await h.run("""
                local a = telnyx.messaging_profiles.retrieve("mp-1")
                local b = telnyx.messaging_profiles.retrieve{messaging_profile_id = "mp-2"}
                local ok, e = pcall(telnyx.messaging_profiles.retrieve, {})
                return type(a), type(b), e.message
                """)
            #expect(r[0].stringValue == "table" && r[1].stringValue == "table")
            #expect(r[2].stringValue == "messaging_profiles.retrieve: missing required parameter 'messaging_profile_id' (the first argument)"
                || r[2].stringValue == "messaging_profiles.retrieve: missing required parameter 'messaging_profile_id'")
            let paths = (try await h.requests()["requests"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
            #expect(paths == ["/messaging_profiles/mp-1", "/messaging_profiles/mp-2"])
        }
    }

    @Test func emptyTablesEncodeBySchemaAndFiltersAsDeepObjects() async throws {
        try await withSandbox { h in
            try await h.resetLog()
            _ = try await h.run("""
                telnyx.texml_applications.create{friendly_name = "a", voice_url = "https://example.com/x", tags = {}, inbound = {}}
                """)
            let body = try JSONValue.parse(Array(try #require(try await lastRequest(h)["body"]?.stringValue).utf8))
            #expect(body["tags"] == .array([]))
            #expect(body["inbound"] == .object([:]))
            _ = try await h.run("""
                telnyx.phone_numbers.list{filter = {tag = "a b", connection_id = "c1"}, page = {size = 2}}:first()
                """)
            let query = try #require(try await lastRequest(h)["query"]?.stringValue)
            let decoded = Set(query.split(separator: "&").map { $0.removingPercentEncoding ?? String($0) })
            #expect(decoded.isSuperset(of: ["filter[tag]=a b", "filter[connection_id]=c1", "page[size]=2"])
                || decoded.isSuperset(of: ["filter[tag]=a+b", "filter[connection_id]=c1", "page[size]=2"]), "\(query)")
        }
    }

    @Test func resultsByKind() async throws {
        try await withSandbox { h in
            let dialogflow = try #require(h.server.seededID(route: "/dialogflow_connections/{connection_id}", parameter: "connection_id"))
            let media = try #require(h.server.seededID(route: "/media/{media_name}/download", parameter: "media_name"))
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("apitests-\(UUID().uuidString).bin").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let r = try await h.run("""
                local deleted = telnyx.dialogflow_connections.delete("\(dialogflow)")
                local file = telnyx.media.download("\(media)")
                local saved = file:save("\(path)")
                local bytes = file.data
                local ok, e = pcall(telnyx.phone_numbers.retrieve, "no-such-number")
                return deleted, saved, file.size, file.content_type, tostring(file):match("^<binary %d+ bytes"),
                  e.type, e.status, e.errors[1].code, tostring(e), e.message, e.method, bytes
                """)
            #expect(r[0] == .boolean(true))
            #expect(r[1].stringValue == path)
            let client = TelnyxClient(options: ClientOptions(apiKey: "KEY_TEST", baseURL: h.baseURL + "/v2", maxRetries: 0))
            let direct = try await client.send(APIRequest(method: "GET", route: "/media/\(media)/download"))
            await client.shutdown()
            let saved = try #require(FileManager.default.contents(atPath: path))
            #expect(!direct.body.isEmpty)
            // The sandbox makes fresh bytes per download: the file must equal what this call got.
            #expect(r[11] == .bytes(Array(saved)), "saved file differs from the downloaded bytes")
            #expect(r[2] == .integer(Int64(saved.count)))
            #expect(r[3].stringValue == direct.contentType)
            #expect(r[4].stringValue != nil)
            #expect(r[5].stringValue == "NotFoundError")
            #expect(r[6] == .integer(404))
            #expect(r[7].stringValue == "10005")
            #expect(r[8].stringValue == "NotFoundError: " + (r[9].stringValue ?? "-"))
            #expect(r[10].stringValue == "phone_numbers.retrieve")
        }
    }

    @Test func describeAndHelp() async throws {
        try await withSandbox { h in
            let spec = try #require(Catalog.shared.method(named: "texml_applications.create"))
            let r = try await h.run("""
                local by_fn = telnyx.describe(telnyx.texml_applications.create)
                local by_name = telnyx.describe("telnyx.texml_applications.create")
                local required = {}
                for _, p in ipairs(by_fn.parameters) do if p.required then required[#required + 1] = p.name end end
                local res = telnyx.describe(telnyx.phone_numbers)
                local out = {}
                local old = print
                print = function(...) out[#out + 1] = table.concat({...}, "\\t") end
                telnyx.help(telnyx.texml_applications.create)
                telnyx.help("phone_numbers")
                print = old
                return by_fn.name, by_fn.http, by_fn.route, by_fn.result, by_name.route, table.concat(required, ","),
                  res.kind, table.concat(res.methods, ","), table.concat(out, "\\n")
                """)
            #expect(r[0].stringValue == "texml_applications.create")
            #expect(r[1].stringValue == spec.http)
            #expect(r[2].stringValue == spec.route)
            #expect(r[3].stringValue == spec.result.catalogText)
            #expect(r[4].stringValue == spec.route)
            #expect(r[5].stringValue == spec.body?.required.sorted().joined(separator: ","))
            #expect(r[6].stringValue == "resource")
            #expect(r[7].stringValue == Catalog.shared.children(of: "phone_numbers").methods.joined(separator: ","))
            let help = r[8].stringValue ?? ""
            #expect(help.hasPrefix("telnyx.texml_applications.create  POST /texml_applications\n"))
            #expect(help.contains("  returns: json\n"))
            #expect(help.contains("one of: RFC 2833, Inband, SIP INFO"))
            #expect(help.contains("  example: telnyx.texml_applications.create{friendly_name = \"...\", voice_url = \"...\"}\n"))
            #expect(help.contains("\ntelnyx.phone_numbers\n  resources: actions,"))
        }
    }

    @Test func withOptionsTimeoutAndHeadersReachTheRequest() async throws {
        try await withSandbox { h in
            let id = try #require(h.server.seededID(route: "/phone_numbers/{id}", parameter: "id"))
            // Far apart (50 ms against 2 s), so that a loaded machine, which delays both timers,
            // still fires the client's first.
            try await h.configureFaults(["latency_ms": 2000])
            let r = try await h.run("""
                local ok, e = pcall(telnyx.with_options{timeout = 0.05}.phone_numbers.retrieve, "\(id)")
                local slow = telnyx.phone_numbers.retrieve("\(id)")
                return ok, e.type, slow.data.id
                """)
            #expect(r[0] == .boolean(false))
            #expect(r[1].stringValue?.contains("Timeout") == true, "\(r[1])")
            #expect(r[2].stringValue == id)
            try await h.configureFaults(["latency_ms": 0])
            // The sandbox reads Authorization: a header that replaces it is seen, and refused.
            let (type, message) = try await h.caught("""
                telnyx.with_options{headers = {Authorization = "Token abc"}}.phone_numbers.retrieve("\(id)")
                """)
            #expect(type == "AuthenticationError")
            #expect(message.contains("must be 'Bearer <API key>'"))
        }
    }
}
