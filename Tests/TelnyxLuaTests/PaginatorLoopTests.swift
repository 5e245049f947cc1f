import Foundation
import Testing

@testable import TelnyxLua

/// A hostile or broken server that sends a page number, cursor or next-page link it already
/// sent: the paginator stops with an error table instead of walking in circles forever.
///
/// Each server gives up after `giveUp` requests (answering an empty page, which ends any walk),
/// so without the check the tests fail on the request count instead of hanging.
@Suite struct PaginatorLoopTests {
    static let giveUp = 40

    /// Runs `walk` (Lua making a walk over `list`) under pcall; returns (type, message, method,
    /// items seen before the error) and how many requests the server saw.
    static func walk(
        _ list: String, _ walk: String = "for item in LIST do n = n + 1 end",
        answer: @escaping @Sendable (_ index: Int) -> String
    ) async throws -> (results: [LuaValue], requests: Int) {
        let server = try await TestServer.start { _, index in
            .json(200, index >= giveUp ? #"{"data":[],"meta":{}}"# : answer(index))
        }
        let code = """
            local n = 0
            local ok, e = pcall(function() \(walk.replacingOccurrences(of: "LIST", with: list)) end)
            if ok then return "none", "no error", "", n end
            if type(e) ~= "table" then return "string", tostring(e), "", n end
            return e.type, e.message, tostring(e.method), n, tostring(e), telnyx.is_error(e)
            """
        let results = try await runLua(code, against: server)
        let count = server.count
        await server.stop()
        return (results, count)
    }

    @Test func aServerRepeatingPageThreeStopsTheWalk() async throws {
        // Pages 1, 2, 3, then page 3 again and again, always claiming 10 pages in all.
        let (r, requests) = try await Self.walk("telnyx.phone_numbers.list{page = {size = 2}}") { index in
            let number = min(index + 1, 3)
            return #"{"data":[{"id":"a\#(index)"},{"id":"b\#(index)"}],"meta":{"page_number":\#(number),"total_pages":10}}"#
        }
        #expect(r[0] == .string("APIResponseValidationError"))
        #expect(r[1].stringValue?.hasPrefix("pagination stopped: the server returned page 3 again") == true, "\(r[1])")
        #expect(r[2] == .string("phone_numbers.list"))
        #expect(r[3] == .integer(6), "the three distinct pages are walked, the repeat is not")
        #expect(r[5] == .boolean(true))
        // The fourth answer is the repeat; the walk may have prefetched one more, never more.
        #expect(requests >= 4 && requests <= 5, "\(requests) requests")
    }

    @Test func aServerIgnoringThePageParameterStopsAtTheSecondPage() async throws {
        let (r, requests) = try await Self.walk(
            "telnyx.phone_numbers.list()", "n = #LIST:collect()"
        ) { _ in #"{"data":[{"id":"x"}],"meta":{"page_number":1,"total_pages":1000000}}"# }
        #expect(r[0] == .string("APIResponseValidationError"))
        #expect(r[1].stringValue?.hasPrefix("pagination stopped: the server returned page 1 again") == true, "\(r[1])")
        #expect(requests <= 3, "\(requests) requests")
    }

    @Test func aRepeatedCursorStopsTheWalk() async throws {
        // Cursors c1, c2, then c1 again: a cycle of two.
        let (r, requests) = try await Self.walk("telnyx.storage.kvs.keys.list('kv-test', {limit = 1})") { index in
            #"{"data":[{"key":"k\#(index)"}],"meta":{"cursor":"c\#(index % 2 + 1)"}}"#
        }
        #expect(r[0] == .string("APIResponseValidationError"))
        #expect(r[1].stringValue?.hasPrefix(#"pagination stopped: the server returned cursor "c1" again"#) == true, "\(r[1])")
        #expect(r[2] == .string("storage.kvs.keys.list"))
        #expect(requests <= 4, "\(requests) requests")
    }

    @Test func aRepeatedNextPageURIStopsATeXMLWalk() async throws {
        let (r, requests) = try await Self.walk(
            "telnyx.texml.accounts.calls.retrieve_calls('AC-test', {PageSize = 1})", "LIST:count()"
        ) { _ in
            #"{"calls":[{"sid":"CA1"}],"page":0,"next_page_uri":"/v2/texml/Accounts/AC-test/Calls?Page=1&PageSize=1"}"#
        }
        #expect(r[0] == .string("APIResponseValidationError"))
        #expect(r[1].stringValue?.contains("pagination stopped: the server returned next_page_uri") == true, "\(r[1])")
        #expect(requests <= 4, "\(requests) requests")
    }

    @Test func honestPagesStillWalkToTheEnd() async throws {
        // Ten distinct pages, then the last: no false alarm on a long walk.
        let (r, requests) = try await Self.walk("telnyx.phone_numbers.list()") { index in
            #"{"data":[{"id":"\#(index)"}],"meta":{"page_number":\#(index + 1),"total_pages":10}}"#
        }
        #expect(r[0] == .string("none"))
        #expect(r[3] == .integer(10))
        #expect(requests == 10)
    }
}
