import Foundation
import Telnyx
import TelnyxSandbox
import Testing

@Suite struct PaginationAndScaleTests {
    /// Follows one scheme's next-page rule from pagination.md; returns the items seen.
    func walk(_ h: Harness, _ spec: MethodSpec, scheme: String) async throws -> [JSONValue] {
        var path = "/v2" + spec.route
        for param in spec.pathParamNames { path = path.replacingParameter(param, with: "p") }
        var seen: [JSONValue] = []
        var next: String? = path + "?page[size]=7&page_size=7&per_page=7&PageSize=7"
        var guardCount = 0
        while let url = next, guardCount < 50 {
            guardCount += 1
            let page = try #require(try await h.send(.GET, url).json)
            next = nil
            let q = url.contains("?") ? "&" : "?"
            func number(_ n: Int64?) -> Int64 { n ?? 1 }
            switch scheme {
            case "DefaultFlatPaginationTopLevelArray":
                let items = page.arrayValue ?? []
                seen += items
                if !items.isEmpty { next = path + "?page[size]=7&page[number]=\(guardCount + 1)" }
            case "PerPagePaginationV2", "DefaultPaginationForMessagingTollfree":
                seen += page["records"]?.arrayValue ?? []
                let total = page[scheme == "PerPagePaginationV2" ? "totalRecords" : "total_records"]?.intValue ?? 0
                let current = page["page"]?.intValue ?? 0
                if current < total { next = path + "?per_page=7&page_size=7&page=\(current + 1)" }
            case "DefaultPaginationForQueues":
                let items = page["queues"]?.arrayValue ?? []
                seen += items
                if !items.isEmpty { next = path + "?PageSize=7&Page=\(number(page["page"]?.intValue) + 1)" }
            case "CursorFlatPagination", "EmailCursorPagination", "EmailBracketCursorPagination", "CloudfsCursorPagination":
                seen += page["data"]?.arrayValue ?? []
                let meta = page["meta"]
                let cursor = meta?["cursor"] ?? meta?["page_cursor"] ?? meta?["cursors"]?["after"]
                let param = ["CursorFlatPagination": "cursor", "EmailCursorPagination": "page_cursor"][scheme] ?? "page[after]"
                if let c = cursor?.stringValue { next = path + "?page[size]=7&limit=7&\(param)=\(c)" }
            default:
                let items = page[scheme == "DefaultPaginationForLogMessages" ? "log_messages" : "data"]?.arrayValue ?? []
                seen += items
                let n = page["meta"]?["page_number"]?.intValue ?? 1
                let totalPages = page["meta"]?["total_pages"]?.intValue ?? 0
                let param = scheme == "DefaultFlatPaginationForInexplicitNumberOrders" ? "page_number"
                    : scheme == "PerPagePagination" ? "page" : "page[number]"
                if n < totalPages && !items.isEmpty { next = path + "?page[size]=7&page_size=7&per_page=7&\(param)=\(n + 1)" }
            }
            _ = q
        }
        return seen
    }

    @Test func everySchemeWalksEveryItemOnce() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        var covered: Set<String> = []
        for name in Catalog.shared.names {
            let spec = try #require(Catalog.shared.method(named: name))
            guard case .page(let scheme) = spec.result, !covered.contains(scheme.rawValue), spec.query?.required.isEmpty ?? true,
                !name.hasPrefix("phone_numbers"), !name.hasPrefix("external_connections")
            else { continue }
            covered.insert(scheme.rawValue)
            let items = try await walk(h, spec, scheme: scheme.rawValue)
            #expect(items.count == 25, "\(scheme.rawValue) via \(name): \(items.count) items")
            #expect(Set(items.map(\.jsonString)).count == items.count, "\(scheme.rawValue): repeated items")
        }
        #expect(covered.count == 12)
    }

    @Test func texmlListsFollowNextPageURI() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        var next: String? = "/v2/texml/Accounts/AC1/Calls?PageSize=10"
        var sids: [String] = []
        var pages = 0
        while let url = next, pages < 10 {
            let page = try #require(try await h.send(.GET, url).json)
            sids += (page["calls"]?.arrayValue ?? []).compactMap { ($0["sid"] ?? $0["call_sid"])?.stringValue }
            let uri = page["next_page_uri"]?.stringValue ?? ""
            next = uri.isEmpty ? nil : (uri.hasPrefix("/v2") ? uri : "/v2" + uri)
            pages += 1
        }
        #expect(pages == 3)
        #expect(Set(sids).count == 25)
    }

    @Test func aMillionNumbersStartFastInLittleMemory() async throws {
        let before = residentMegabytes()
        let started = ContinuousClock.now
        let h = try await Harness.start(SandboxConfiguration(phoneNumbers: 1_000_000))
        defer { Task { try await h.stop() } }
        let startup = ContinuousClock.now - started
        let last = try await h.send(.GET, "/v2/phone_numbers?page[size]=250&page[number]=4000")
        #expect(last.json?["meta"]?["total_results"] == 1_000_000)
        let id = try #require(last.json?["data"]?[249]?["id"]?.stringValue)
        #expect(try await h.send(.GET, "/v2/phone_numbers/\(id)").status == 200)
        let grown = residentMegabytes() - before
        #expect(startup < .seconds(3), "startup \(startup)")
        #expect(grown < 150, "grew \(grown) MB")
    }

    private func residentMegabytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }
}
