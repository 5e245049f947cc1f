import Foundation
import Telnyx
import TelnyxSandbox
import Testing

/// Walks one list per pagination scheme with exactly the next-page rule of pagination.md, the
/// way an SDK would: every item once, in the order of the whole list, and a stop where the
/// scheme says so (not where a guard gives up).
@Suite struct SchemeWalkTests {
    /// Parameters that move through the list: never used as the repeated "filter".
    static let paging: Set<String> = [
        "page", "page_number", "page_size", "per_page", "Page", "PageSize", "PageToken", "recordsPerPage", "limit",
        "cursor", "page_cursor",
    ]

    /// The page-size parameter of an endpoint, read from its query schema.
    static func sizeParameter(_ query: Schema?) -> String? {
        guard let query else { return nil }
        if query.properties["page"]?.properties["size"] != nil { return "page[size]" }
        if query.properties["page"]?.properties["limit"] != nil { return "page[limit]" }
        return ["page_size", "per_page", "PageSize", "recordsPerPage", "limit"].first { query.properties[$0] != nil }
    }

    /// The first catalog method paginated with `scheme` that takes a page size (phone numbers
    /// aside: they hold 100 seeds, every other list 25), else the first at all.
    static func endpoint(for scheme: String) -> MethodSpec? {
        // A scheme whose methods all lack a size parameter is walked at the default page size.
        var fallback: MethodSpec?
        for name in Catalog.shared.names where !name.hasPrefix("phone_numbers") {
            guard let spec = Catalog.shared.method(named: name), case .page(let s) = spec.result, s.rawValue == scheme
            else { continue }
            if sizeParameter(spec.query) != nil { return spec }
            fallback = fallback ?? spec
        }
        return fallback
    }

    /// The items of a page and the query pair of the next request, or nil at the scheme's stop.
    static func step(_ scheme: String, _ page: JSONValue, requested: Int) -> (items: [JSONValue], next: (String, String)?) {
        let meta = page["meta"]
        func int(_ v: JSONValue?) -> Int { Int(v?.intValue ?? 0) }
        switch scheme {
        case "DefaultFlatPaginationTopLevelArray":
            let items = page.arrayValue ?? []
            return (items, items.isEmpty ? nil : ("page[number]", String(requested + 1)))
        case "PerPagePaginationV2", "DefaultPaginationForMessagingTollfree":
            let items = page["records"]?.arrayValue ?? []
            let total = int(page[scheme == "PerPagePaginationV2" ? "totalRecords" : "total_records"])
            let current = int(page["page"])
            return (items, current >= total ? nil : ("page", String(current + 1)))
        case "DefaultPaginationForQueues":
            let items = page["queues"]?.arrayValue ?? []
            let current = int(page["Page"] ?? page["page"])
            return (items, items.isEmpty ? nil : ("Page", String(current + 1)))
        case "CursorFlatPagination":
            return (page["data"]?.arrayValue ?? [], meta?["cursor"]?.stringValue.map { ("cursor", $0) })
        case "EmailCursorPagination":
            return (page["data"]?.arrayValue ?? [], meta?["page_cursor"]?.stringValue.map { ("page_cursor", $0) })
        case "EmailBracketCursorPagination":
            return (page["data"]?.arrayValue ?? [], meta?["page_cursor"]?.stringValue.map { ("page[after]", $0) })
        case "CloudfsCursorPagination":
            return (page["data"]?.arrayValue ?? [], meta?["cursors"]?["after"]?.stringValue.map { ("page[after]", $0) })
        default:
            let items = page[scheme == "DefaultPaginationForLogMessages" ? "log_messages" : "data"]?.arrayValue ?? []
            let param = ["DefaultFlatPaginationForInexplicitNumberOrders": "page_number", "PerPagePagination": "page"][scheme]
                ?? "page[number]"
            let n = int(meta?["page_number"])
            return (items, n >= int(meta?["total_pages"]) || items.isEmpty ? nil : (param, String(n + 1)))
        }
    }

    /// RFC 3986's unreserved characters: everything else in a value is escaped.
    static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static let schemes = [
        "DefaultFlatPagination", "DefaultFlatPaginationForInexplicitNumberOrders", "DefaultPaginationForLogMessages",
        "PerPagePagination", "PerPagePaginationV2", "DefaultPaginationForMessagingTollfree", "DefaultPaginationForQueues",
        "DefaultFlatPaginationTopLevelArray", "CursorFlatPagination", "EmailCursorPagination",
        "EmailBracketCursorPagination", "CloudfsCursorPagination",
    ]

    @Test(arguments: schemes) func schemeWalksTheSeededListOnceInOrder(_ scheme: String) async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        let spec = try #require(Self.endpoint(for: scheme), "no endpoint takes a page size under \(scheme)")
        let sizeParam = Self.sizeParameter(spec.query)
        // Pages of 7 when the endpoint takes a size, else the sandbox's default of 20.
        let size = sizeParam == nil ? 20 : 7
        let sizing: [(String, String)] = sizeParam.map { [($0, "7")] } ?? []
        var path = "/v2" + spec.route
        for param in spec.pathParamNames {
            path = path.replacingParameter(param, with: h.server.seededID(route: spec.route, parameter: param) ?? "p-\(param)")
        }
        // Required parameters from the schema, and one optional non-paging one: both must
        // come back on every page request.
        var fixed: [(String, String)] = []
        let query = spec.query
        for key in (query?.required ?? []).sorted() where key != sizeParam {
            let value = key == "page" ? "1" : (sampleValue(query?.properties[key] ?? .any, name: key).stringValue ?? "1")
            fixed.append((key, value))
        }
        if let extra = query?.propertyNames.first(where: { key in
            !Self.paging.contains(key) && key != "filter" && !(query?.required.contains(key) ?? false)
                && query?.properties[key]?.enumValues?.first?.stringValue != nil
        }) {
            fixed.append((extra, query?.properties[extra]?.enumValues?.first?.stringValue ?? ""))
        }
        func url(_ pairs: [(String, String)]) -> String {
            let merged = fixed.filter { pair in !pairs.contains { $0.0 == pair.0 } } + pairs
            return path + "?" + merged.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? $0.1)" }
                .joined(separator: "&")
        }
        let wholeURL = url(sizeParam.map { [($0, "250")] } ?? [("page[size]", "250")])
        let whole = try #require(try await h.send(.GET, wholeURL).json, "\(scheme): \(wholeURL)")
        let all = Self.step(scheme, whole, requested: 1).items
        #expect(all.count == 25, "\(scheme) via \(spec.fullName): \(all.count) items in one page (\(whole.jsonString.prefix(200)))")
        _ = try await h.send(.POST, "/__sandbox/reset", token: nil)

        var seen: [JSONValue] = []
        var requests = 0
        var pairs = sizing
        var requested = 1
        while requests < 20 {
            requests += 1
            let answer = try await h.send(.GET, url(pairs))
            #expect(answer.status == 200, "\(scheme) \(url(pairs)): \(String(decoding: answer.bytes.prefix(300), as: UTF8.self))")
            let (items, next) = Self.step(scheme, try #require(answer.json), requested: requested)
            seen += items
            guard let next else { break }
            pairs = sizing + [next]
            requested = Int(next.1) ?? requested + 1
        }
        #expect(seen == all, "\(scheme) via \(spec.fullName): walked \(seen.count) items, the whole list has \(all.count)")
        // 25 items in full pages and one short one; the schemes that stop on an empty page ask once more.
        let stopsOnEmpty = ["DefaultPaginationForQueues", "DefaultFlatPaginationTopLevelArray"].contains(scheme)
        #expect(requests == (25 + size - 1) / size + (stopsOnEmpty ? 1 : 0), "\(scheme): \(requests) requests")

        let log = try await h.send(.GET, "/__sandbox/requests", token: nil).json?["requests"]?.arrayValue ?? []
        #expect(log.count == requests)
        for entry in log {
            let sent = entry["query"]?.stringValue ?? ""
            for (key, _) in fixed + sizing {
                #expect(sent.contains(key + "=") || sent.contains((key.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? key) + "="),
                        "\(scheme): \(key) missing from \(sent)")
            }
        }
    }
}
