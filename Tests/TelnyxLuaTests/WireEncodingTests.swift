import Foundation
import Telnyx
import Testing

/// The encoding faults of issue 17, each seen on the wire by a recording server: what the
/// official SDK sends (scripts/wire-parity.py checks the same against the SDK itself, when it can
/// be installed; these need no network).
@Suite struct WireEncodingTests {
    func record(_ code: String) async throws -> [TestServer.Recorded] {
        let server = try await TestServer.start { _, _ in .json(200, #"{"data":{}}"#) }
        _ = try await runLua(code, against: server)
        return server.requests
    }

    @Test func uncheckedCallsKeepUnknownQueryParameters() async throws {
        // validate = false: a GET with no body sends what it does not know in the query (it
        // was dropped), and a method with a body sends it in the body.
        let sent = try await record("""
            telnyx.configure{validate = false}
            telnyx.phone_numbers.retrieve("n1", {brand_new = "x", filter = {a = {b = 1}}})
            telnyx.calls.actions.hangup("c1", {brand_new = "y"})
            """)
        #expect(sent.count == 2)
        // (In the order of the Lua table, which Lua does not fix.)
        #expect(Set(sent[0].queryPairs.map { "\($0.0)=\($0.1)" }) == ["brand_new=x", "filter[a][b]=1"])
        #expect(sent[0].body.isEmpty)
        let body = try JSONValue.parse(sent[1].body)
        #expect(body["brand_new"]?.stringValue == "y")
    }

    @Test func headerParametersAreSent() async throws {
        let server = try await TestServer.start { _, _ in .json(200, #"{"data":{}}"#) }
        let described = try await runLua("""
            for _, p in ipairs(telnyx.describe(telnyx.x402.credit_account.settle).parameters) do
              if p.name == "header_payment_signature" then return p.where end
            end
            """, against: server)
        #expect(described.first?.stringValue == "header")
        let sent = try await record("""
            telnyx.x402.credit_account.settle{id = "q1", header_payment_signature = "sig"}
            telnyx.organizations.users.get_groups_report{accept = "text/csv"}
            """)
        #expect(sent.count == 2)
        #expect(sent[0].header("PAYMENT-SIGNATURE") == "sig")
        // endpoints.tsv writes this route with the base URL's /v2; it is sent once, as the SDK.
        #expect(sent[0].path.hasSuffix("/x402/credit_account") && !sent[0].path.contains("/v2/v2/"))
        #expect(try JSONValue.parse(sent[0].body)["header_payment_signature"] == nil)
        #expect(sent[1].header("Accept") == "text/csv")
        #expect(sent[1].rawQuery.isEmpty)
    }

    @Test func wholeBodiesRawAndArray() async throws {
        let sent = try await record("""
            telnyx.call_reasons.validate{body = {"a", "b"}}
            telnyx.storage.kvs.keys.update("k1", {id = "s1", body = "raw\\0bytes", ttl_secs = 5})
            """)
        #expect(sent.count == 2)
        #expect(try JSONValue.parse(sent[0].body) == .array([.string("a"), .string("b")]))
        #expect(sent[1].header("Content-Type") == "application/octet-stream")
        #expect(sent[1].body == Array("raw\0bytes".utf8))
        #expect(sent[1].rawQuery == "ttl_secs=5")
    }

    @Test func multipartTablesAreBracketedFields() async throws {
        let sent = try await record("""
            telnyx.ai.audio.transcribe{model = "deepgram/nova-3", file = telnyx.file{data = "abc", filename = "a.wav"},
              model_config = {smart_format = true, keywords = {"x", "y"}}}
            """)
        let body = String(decoding: try #require(sent.first).body, as: UTF8.self)
        #expect(body.contains(#"name="model_config[smart_format]""#))
        #expect(body.contains(#"name="model_config[keywords][]""#))
        let x = try #require(body.range(of: "name=\"model_config[keywords][]\"\r\n\r\nx"), "\(body)")
        let y = try #require(body.range(of: "name=\"model_config[keywords][]\"\r\n\r\ny"), "\(body)")
        #expect(x.lowerBound < y.lowerBound)
        #expect(!body.contains("application/json"))
    }

    @Test func bothALeafAndItsMembersInTheQuery() async throws {
        // filter[name]= and filter[name][contains]=: as the SDK's flattened names, or bracketed.
        let sent = try await record("""
            telnyx.oauth_clients.list{filter_name = "a", filter_name_contains = "b"}:first()
            telnyx.oauth_clients.list{["filter[name]"] = "c", filter = {name = {contains = "d"}}}:first()
            telnyx.ai.retrieve_conversation_histories{q = "x", filter_record_created_at_gte = "2026-01-01"}:first()
            """)
        #expect(sent.count == 3)
        #expect(Set(sent[0].queryPairs.map { "\($0.0)=\($0.1)" }).isSuperset(of: ["filter[name]=a", "filter[name][contains]=b"]))
        #expect(Set(sent[1].queryPairs.map { "\($0.0)=\($0.1)" }).isSuperset(of: ["filter[name]=c", "filter[name][contains]=d"]))
        #expect(sent[2].queryPairs.contains { $0.0 == "filter[record_created_at][gte]" && $0.1 == "2026-01-01" })
    }

    @Test func theSDKsParametersAndFixedQuery() async throws {
        let sent = try await record("""
            telnyx.documents.upload{url = "https://x/y.pdf"}
            telnyx.phone_numbers.voicemail.create("n1", {greeting = {mode = "default"}})
            telnyx.sub_number_orders.list{filter = {include_phone_numbers = true}}
            """)
        #expect(sent.count == 3)
        #expect(sent[0].rawQuery == "content-type=multipart")
        #expect(try JSONValue.parse(sent[1].body)["greeting"]?["mode"]?.stringValue == "default")
        #expect(sent[2].queryPairs.map { "\($0.0)=\($0.1)" } == ["filter[include_phone_numbers]=true"])
    }

    /// The SDK's one parameter for the whole body (`networks.create(network_create={...})`).
    @Test func theSDKsBodyParameterIsTheBody() async throws {
        let server = try await TestServer.start { _, _ in .json(200, #"{"data":{}}"#) }
        let r = try await runLua("""
            telnyx.networks.create{network_create = {name = "n1"}}
            local ok, e = pcall(telnyx.networks.create, {name = "n2", network_create = {name = "n3"}})
            return tostring(e)
            """, against: server)
        #expect(server.requests.count == 1)
        #expect(try JSONValue.parse(server.requests[0].body) == .object(["name": .string("n1")]))
        #expect(r[0].stringValue?.contains("'name' is given twice (also in 'network_create')") == true)
    }

    @Test func unknownParametersAreStillRefusedWhenChecking() async throws {
        let server = try await TestServer.start { _, _ in .json(200, #"{"data":{}}"#) }
        let r = try await runLua("""
            local ok, e = pcall(telnyx.phone_numbers.voicemail.create, "n1", {greting = {}})
            local ok2, e2 = pcall(telnyx.rcs.agents.update, "a1", {not_a_parameter = 1})
            return tostring(e), tostring(e2)
            """, against: server)
        #expect(r[0].stringValue?.contains("unknown parameter 'greting' (did you mean 'greeting'?)") == true)
        #expect(r[1].stringValue?.contains("unknown parameter 'not_a_parameter'") == true)
        #expect(server.requests.isEmpty)
    }
}
