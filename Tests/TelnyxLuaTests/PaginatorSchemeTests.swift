import Foundation
import Testing

/// Each pagination scheme of pagination.md, and TeXML's `next_page_uri`, walked from Lua
/// against the sandbox: every item of the seeded list once, in order, then a stop, with the
/// caller's page size and filters on every page request.
@Suite struct PaginatorSchemeTests {
    /// One list to walk: a Lua expression making the paginator (`SIZE` is the page size), the
    /// route the requests go to, the query pairs every page request must repeat, and how many
    /// items the seeded list holds.
    struct Walk: Sendable, CustomStringConvertible {
        let scheme: String
        let call: String
        let route: String
        let repeated: [String]
        var total = 25
        /// The schemes that stop only on an empty page ask once more than there are pages.
        var extraRequest = 0

        var description: String { scheme }

        func lua(size: Int) -> String { call.replacingOccurrences(of: "SIZE", with: String(size)) }
    }

    static let walks: [Walk] = [
        Walk(scheme: "DefaultFlatPagination",
             call: "telnyx.phone_numbers.list{filter = {tag = 'tag-1'}, page = {size = SIZE}, sort = 'phone_number'}",
             route: "/phone_numbers", repeated: ["filter[tag]=tag-1", "page[size]=SIZE", "sort=phone_number"], total: 20),
        Walk(scheme: "DefaultFlatPaginationForInexplicitNumberOrders",
             call: "telnyx.inexplicit_number_orders.list{page_size = SIZE}",
             route: "/inexplicit_number_orders", repeated: ["page_size=SIZE"]),
        Walk(scheme: "DefaultPaginationForLogMessages",
             call: "telnyx.external_connections.log_messages.list{page = {size = SIZE}}",
             route: "/external_connections/log_messages", repeated: ["page[size]=SIZE"]),
        Walk(scheme: "PerPagePagination",
             call: "telnyx.legacy.reporting.usage_reports.voice.list{per_page = SIZE}",
             route: "/legacy/reporting/usage_reports/voice", repeated: ["per_page=SIZE"]),
        Walk(scheme: "PerPagePaginationV2",
             call: "telnyx.messaging_10dlc.brand.list{recordsPerPage = SIZE, sort = 'brandId'}",
             route: "/10dlc/brand", repeated: ["recordsPerPage=SIZE", "sort=brandId"]),
        Walk(scheme: "DefaultPaginationForMessagingTollfree",
             call: "telnyx.messaging_tollfree.verification.requests.list{page = 1, page_size = SIZE, status = 'Verified'}",
             route: "/messaging_tollfree/verification/requests", repeated: ["page_size=SIZE"]),
        Walk(scheme: "DefaultPaginationForQueues",
             call: "telnyx.texml.accounts.queues.list('AC-test', {PageSize = SIZE})",
             route: "/Queues", repeated: ["PageSize=SIZE"], extraRequest: 1),
        Walk(scheme: "DefaultFlatPaginationTopLevelArray",
             call: "telnyx.ai.mcp_servers.list{page = {size = SIZE}}",
             route: "/ai/mcp_servers", repeated: ["page[size]=SIZE"], extraRequest: 1),
        Walk(scheme: "CursorFlatPagination",
             call: "telnyx.storage.kvs.keys.list('kv-test', {limit = SIZE})",
             route: "/keys", repeated: ["limit=SIZE"]),
        Walk(scheme: "EmailCursorPagination",
             call: "telnyx.email_templates.list{page_size = SIZE}",
             route: "/email_templates", repeated: ["page_size=SIZE"]),
        Walk(scheme: "EmailBracketCursorPagination",
             call: "telnyx.email_threads.list{page = {size = SIZE}}",
             route: "/email_threads", repeated: ["page[size]=SIZE"]),
        Walk(scheme: "CloudfsCursorPagination",
             call: "telnyx.storage.cloudfs.list{page = {limit = SIZE}, sort = 'name'}",
             route: "/storage/cloudfs", repeated: ["page[limit]=SIZE", "sort=name"]),
        Walk(scheme: "texml next_page_uri",
             call: "telnyx.texml.accounts.calls.retrieve_calls('AC-test', {PageSize = SIZE, Status = 'completed'})",
             route: "/Calls", repeated: ["PageSize=SIZE"]),
    ]

    /// Lua that walks the list in pages of 7, then fetches it as one page of 250; returns
    /// both as JSON lines.
    static func script(_ walk: Walk) -> String {
        """
        local function encode_all(items)
          local out = {}
          for i, item in ipairs(items) do out[i] = telnyx.json.encode(item) end
          return table.concat(out, "\\n"), #items
        end
        local walked = {}
        for item in \(walk.lua(size: 7)) do walked[#walked + 1] = item end
        local whole = \(walk.lua(size: 250)):pages()()
        local a, na = encode_all(walked)
        local b, nb = encode_all(whole.items)
        return a, na, b, nb
        """
    }

    @Test(arguments: walks) func walksEveryItemOnceInOrderAndStops(_ walk: Walk) async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        let r = try await h.run(Self.script(walk))
        let walkedCount = r[1].integerValue ?? -1
        #expect(walkedCount == Int64(walk.total), "\(walk.scheme): walked \(walkedCount) items")
        #expect(r[3].integerValue == Int64(walk.total), "\(walk.scheme): the single big page has \(r[3])")
        #expect(r[0] == r[2], "\(walk.scheme): the walk differs from the single big page")
        let walkedLines = (r[0].stringValue ?? "").split(separator: "\n")
        #expect(Set(walkedLines).count == walkedLines.count, "\(walk.scheme): an item came twice")

        // Pages of 7, then the one big page; every page request repeats the caller's params.
        let queries = try await h.queries(endingWith: walk.route)
        let pages = (walk.total + 6) / 7 + walk.extraRequest
        #expect(queries.count == pages + 1, "\(walk.scheme): \(queries)")
        for query in queries.dropLast() {
            for pair in walk.repeated {
                let expected = pair.replacingOccurrences(of: "SIZE", with: "7")
                #expect(query.split(separator: "&").contains(Substring(expected)), "\(walk.scheme): \(expected) missing from \(query)")
            }
        }
    }

    @Test func texmlWalkFollowsNextPageURIFromZero() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        _ = try await h.run("for _ in telnyx.texml.accounts.calls.retrieve_calls('AC-test', {PageSize = 10}) do end")
        let queries = try await h.queries(endingWith: "/Calls")
        #expect(queries.count == 3, "\(queries)")
        // The first request asks for no page; the next ones ask for what next_page_uri said.
        #expect(queries.first.flatMap { queryValue($0, "Page") } == nil)
        #expect(queries.dropFirst().map { queryValue($0, "Page") } == ["1", "2"])
    }
}
