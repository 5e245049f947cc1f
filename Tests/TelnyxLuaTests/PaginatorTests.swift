import Foundation
import TelnyxLua
import Testing

/// The paginator's stream operations from Lua, counted by the page requests the sandbox saw.
/// The sandbox seeds 100 phone numbers; pages of 7 make 15 pages (14 full, one of 2), and the
/// seeded numbers carry tags tag-0 ... tag-4 in turn.
@Suite struct PaginatorTests {
    /// A paginator over all phone numbers in pages of 7, as a Lua expression.
    static let numbers = "telnyx.phone_numbers.list{page = {size = 7}}"

    /// Runs `code` with a clean request log; returns its results and the phone number page
    /// requests it made (decoded queries).
    static func counted(_ h: SandboxHarness, _ code: String) async throws -> (results: [LuaValue], queries: [String]) {
        try await h.resetLog()
        let results = try await h.run(code)
        return (results, try await h.queries(endingWith: "/phone_numbers"))
    }

    @Test func takeFetchesOnlyThePagesItNeeds() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        for (n, pages, got) in [(0, 0, 0), (1, 1, 1), (7, 1, 7), (8, 2, 8), (15, 3, 15), (250, 15, 100)] {
            let (r, queries) = try await Self.counted(h, "local t = \(Self.numbers):take(\(n)) return #t, t[#t] and t[#t].id")
            #expect(r[0].integerValue == Int64(got), "take(\(n))")
            #expect(queries.count == pages, "take(\(n)) made \(queries.count) page requests: \(queries)")
            if n > 0 && n <= 100 {
                #expect(r[1].stringValue?.hasSuffix(String(format: "%012x", n - 1)) == true, "take(\(n)) ends with \(r[1])")
            }
        }
    }

    @Test func firstCollectCountAndEach() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        var (r, queries) = try await Self.counted(h, "local p = \(Self.numbers) return p:first().id")
        #expect(r[0].stringValue?.hasSuffix("000000000000") == true)
        #expect(queries.count == 1)

        (r, queries) = try await Self.counted(h, """
            local all = \(Self.numbers):collect()
            local seen = {}
            for i, n in ipairs(all) do
              local number = tonumber(n.id:sub(-12), 16)
              if seen[number] or number ~= i - 1 then error("item " .. i .. " is " .. n.id) end
              seen[number] = true
            end
            return #all
            """)
        #expect(r[0].integerValue == 100)
        #expect(queries.count == 15)
        #expect(queries.map { queryValue($0, "page[number]") ?? "1" } == (1...15).map(String.init))

        (r, queries) = try await Self.counted(h, "return \(Self.numbers):count()")
        #expect(r[0].integerValue == 100)
        #expect(queries.count == 15)

        (r, queries) = try await Self.counted(h, """
            local visited = {}
            \(Self.numbers):each(function(n) visited[#visited + 1] = n.id end)
            return #visited
            """)
        #expect(r[0].integerValue == 100)
        #expect(queries.count == 15)

        // Returning false stops the walk: it never reaches the third page.
        (r, queries) = try await Self.counted(h, """
            local visited = 0
            \(Self.numbers):each(function(n) visited = visited + 1 return visited < 3 end)
            return visited
            """)
        #expect(r[0].integerValue == 3)
        #expect(queries.count >= 1 && queries.count <= 2, "\(queries)")
    }

    @Test func mapAndFilterAreLazy() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        // tag-1 sits on items 2, 7 and 12: three of them need 12 items, two pages.
        let (r, queries) = try await Self.counted(h, """
            local calls = 0
            local tags = \(Self.numbers):map(function(n) calls = calls + 1 return n.tags[1] end)
            local ones = tags:filter(function(tag) return tag == "tag-1" end)
            local before = calls
            local got = ones:map(function(tag) return tag:upper() end):take(3)
            return before, calls, #got, got[1], got[3]
            """)
        #expect(r[0].integerValue == 0, "map ran before anything asked for items")
        #expect(r[1].integerValue == 12)
        #expect(r[2].integerValue == 3)
        #expect(r[3].stringValue == "TAG-1" && r[4].stringValue == "TAG-1")
        #expect(queries.count == 2, "\(queries)")

        // Made but never iterated: no request at all.
        let (_, none) = try await Self.counted(h, "local s = \(Self.numbers):map(tostring):filter(print) return tostring(s)")
        #expect(none.isEmpty)

        // A chained stream walks in full with a for loop, and again from the start.
        let (again, walks) = try await Self.counted(h, """
            local evens = \(Self.numbers):filter(function(n) return tonumber(n.id:sub(-12), 16) % 2 == 0 end):map(function(n) return n.id end)
            local a, b = 0, 0
            for _ in evens do a = a + 1 end
            for _ in evens do b = b + 1 end
            return a, b
            """)
        #expect(again[0].integerValue == 50 && again[1].integerValue == 50)
        #expect(walks.count == 30)
    }

    @Test func pagesCarryItemsMetaAndBody() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        let (r, queries) = try await Self.counted(h, """
            local sizes, numbers = {}, {}
            local total_pages, total_results
            for page in \(Self.numbers):pages() do
              sizes[#sizes + 1] = #page.items
              numbers[#numbers + 1] = page.meta.page_number
              total_pages, total_results = page.body.meta.total_pages, page.meta.total_results
              if page.body.data[1].id ~= page.items[1].id then error("body and items disagree") end
            end
            return table.concat(sizes, ","), table.concat(numbers, ","), total_pages, total_results
            """)
        #expect(r[0].stringValue == Array(repeating: "7", count: 14).joined(separator: ",") + ",2")
        #expect(r[1].stringValue == (1...15).map(String.init).joined(separator: ","))
        #expect(r[2].integerValue == 15 && r[3].integerValue == 100)
        #expect(queries.count == 15)
    }

    @Test func iteratingAgainStartsFromTheFirstPage() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        let (r, queries) = try await Self.counted(h, """
            local p = \(Self.numbers)
            local a, b = 0, 0
            for _ in p do a = a + 1 end
            for _ in p do b = b + 1 end
            return a, b
            """)
        #expect(r[0].integerValue == 100 && r[1].integerValue == 100)
        #expect(queries.count == 30)
        #expect(queries.filter { queryValue($0, "page[number]") == nil }.count == 2, "\(queries)")
    }

    @Test func breakingOutThenIteratingAgainWorks() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        let (r, _) = try await Self.counted(h, """
            local p = \(Self.numbers)
            local first, n = nil, 0
            for x in p do first = x.id break end
            local again
            for x in p do
              n = n + 1
              again = again or x.id
            end
            local m = 0
            for x in p do m = m + 1 if m == 10 then break end end
            local items = 0
            for _ in p:items() do items = items + 1 end
            return first, again, n, m, items
            """)
        #expect(r[0].stringValue != nil && r[0].stringValue == r[1].stringValue)
        #expect(r[2].integerValue == 100)
        #expect(r[3].integerValue == 10)
        #expect(r[4].integerValue == 100)
    }

    @Test func loopsOverTheSameStreamNest() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        // 20 numbers carry tag-1: pages of 10 make two pages per walk.
        let (r, queries) = try await Self.counted(h, """
            local p = telnyx.phone_numbers.list{filter = {tag = "tag-1"}, page = {size = 10}}
            local pairs_seen, outer = 0, 0
            for a in p do
              outer = outer + 1
              if outer > 20 then error("the outer loop ran away") end
              for b in p do
                if b.id == a.id then break end
                pairs_seen = pairs_seen + 1
              end
            end
            -- Plain values: the same ids nest too, each loop keeping its own place.
            local ids = p:map(function(n) return n.id end)
            local same, total = 0, 0
            for a in ids do
              for b in ids do
                total = total + 1
                if a == b then same = same + 1 end
              end
            end
            return outer, pairs_seen, same, total
            """)
        #expect(r[0].integerValue == 20)
        #expect(r[1].integerValue == 190, "each number is paired with the ones before it")
        #expect(r[2].integerValue == 20 && r[3].integerValue == 400)
        // Every walk asks for both pages, but the second page is requested ahead only once a walk
        // is half-way through the first (item 5 of 10): the four inner walks that break at items
        // 1-4 never ask for it.
        let expected: Int = 2 * (1 + 20) * 2 - 4
        #expect(queries.count == expected, "\(queries.count)")
    }

    @Test func badArgumentsGiveClearErrors() async throws {
        let h = try await SandboxHarness.start()
        defer { Task { await h.stop() } }
        for (code, message) in [
            ("\(Self.numbers):take(-1)", "take: expected a whole number >= 0"),
            ("\(Self.numbers):take(1.5)", "take: expected a whole number >= 0"),
            ("\(Self.numbers):take('3')", "take: expected a whole number >= 0"),
            ("\(Self.numbers):map(42)", "map: expected a function"),
            ("\(Self.numbers):filter()", "filter: expected a function"),
            ("\(Self.numbers):each('x')", "each: expected a function"),
        ] {
            let failure = await h.failure(code)
            // The error points at the caller's line, not inside the paginator.
            #expect(failure.hasPrefix("test:1: " + message), "\(code): \(failure)")
        }
        #expect(try await h.totalRequests() == 0)
    }
}
