import Telnyx

/// The pagination schemes of pagination.md: which page a request asks for, and the shape of
/// the page sent back (items key, meta, cursors, TeXML page links).
enum Pagination {
    /// The largest page size the API allows.
    static let maxPageSize = 250
    /// The page size when the caller sets none.
    static let defaultPageSize = 20

    /// The slice of the list a request asks for.
    struct Window: Sendable {
        let offset: Int
        let size: Int
        /// The page number as the scheme counts it (1-based; 0-based for TeXML).
        let number: Int
    }

    /// The window `query` selects under `scheme` ("texml" for the TeXML lists).
    static func window(scheme: String, query: QueryString) -> Window {
        let rawSize = query.first("page[size]", "page_size", "per_page", "PageSize", "pageSize", "recordsPerPage", "limit", "page[limit]", "size")
        let size = min(max(Int(rawSize ?? "") ?? defaultPageSize, 1), maxPageSize)
        func number(_ names: String..., base: Int) -> Int {
            for name in names { if let v = query[name], let n = Int(v) { return max(n, base) } }
            return base
        }
        switch scheme {
        case "CursorFlatPagination":
            let offset = decodeCursor(query["cursor"])
            return Window(offset: offset, size: size, number: offset / size + 1)
        case "EmailCursorPagination":
            let offset = decodeCursor(query["page_cursor"])
            return Window(offset: offset, size: size, number: offset / size + 1)
        case "EmailBracketCursorPagination", "CloudfsCursorPagination":
            let offset = decodeCursor(query["page[after]"])
            return Window(offset: offset, size: size, number: offset / size + 1)
        case "texml":
            let n = number("Page", "page", base: 0)
            return Window(offset: n * size, size: size, number: n)
        case "DefaultFlatPaginationForInexplicitNumberOrders":
            let n = number("page_number", "page[number]", base: 1)
            return Window(offset: (n - 1) * size, size: size, number: n)
        case "PerPagePagination", "PerPagePaginationV2", "DefaultPaginationForMessagingTollfree":
            let n = number("page", "page[number]", base: 1)
            return Window(offset: (n - 1) * size, size: size, number: n)
        case "DefaultPaginationForQueues":
            let n = number("Page", "page", base: 1)
            return Window(offset: (n - 1) * size, size: size, number: n)
        default:
            let n = number("page[number]", "page_number", base: 1)
            return Window(offset: (n - 1) * size, size: size, number: n)
        }
    }

    /// The page body: `template` (generated from the list's schema) with the items and the
    /// scheme's position fields put in. `path` and `query` make TeXML's `next_page_uri`.
    static func page(
        scheme: String, itemsKey: String?, template: JSONValue, items: [JSONValue], window: Window, total: Int,
        path: String, query: QueryString, nullableNext: Bool
    ) -> JSONValue {
        let totalPages = (total + window.size - 1) / window.size
        let more = window.offset + items.count < total
        var body = template.objectValue ?? [:]
        var meta = body["meta"]?.objectValue ?? [:]
        let nextCursor: JSONValue = .string(encodeCursor(window.offset + window.size))
        switch scheme {
        case "DefaultFlatPaginationTopLevelArray":
            return .array(items)
        case "PerPagePaginationV2":
            body["records"] = .array(items)
            body["page"] = .int(Int64(window.number))
            body["totalRecords"] = .int(Int64(totalPages))
            return .object(body)
        case "DefaultPaginationForMessagingTollfree":
            body["records"] = .array(items)
            body["page"] = .int(Int64(window.number))
            body["total_records"] = .int(Int64(totalPages))
            return .object(body)
        case "DefaultPaginationForQueues", "texml":
            let key = itemsKey ?? "queues"
            body[key] = .array(items)
            let pageKey = body["Page"] != nil ? "Page" : "page"
            body[pageKey] = .int(Int64(window.number))
            body["page_size"] = .int(Int64(window.size))
            let pageParam = query["Page"] != nil || scheme == "texml" ? "Page" : "page"
            let sizeParam = query["PageSize"] != nil || scheme == "texml" ? "PageSize" : "page_size"
            let sized = QueryString(Substring(query.replacing(sizeParam, with: String(window.size))))
            let next = path + "?" + sized.replacing(pageParam, with: String(window.number + 1))
            body["next_page_uri"] = more ? .string(next) : (nullableNext ? .null : .string(""))
            if body["uri"] != nil { body["uri"] = .string(path + (query.pairs.isEmpty ? "" : "?" + query.replacing(pageParam, with: String(window.number)))) }
            if body["start"] != nil { body["start"] = .int(Int64(window.offset)) }
            if body["end"] != nil { body["end"] = .int(Int64(window.offset + max(items.count - 1, 0))) }
            return .object(body)
        case "CursorFlatPagination":
            meta["cursor"] = more ? nextCursor : nil
        case "EmailCursorPagination", "EmailBracketCursorPagination":
            meta["page_cursor"] = more ? nextCursor : nil
        case "CloudfsCursorPagination":
            var cursors = meta["cursors"]?.objectValue ?? [:]
            cursors["after"] = more ? nextCursor : nil
            cursors["before"] = nil
            meta["cursors"] = .object(cursors)
        default:
            meta["page_number"] = .int(Int64(window.number))
            meta["page_size"] = .int(Int64(window.size))
            meta["total_pages"] = .int(Int64(totalPages))
            meta["total_results"] = .int(Int64(total))
        }
        body[scheme == "DefaultPaginationForLogMessages" ? "log_messages" : "data"] = .array(items)
        body["meta"] = .object(meta)
        return .object(body)
    }

    /// Cursors are opaque to callers; inside they are the offset of the next item.
    static func encodeCursor(_ offset: Int) -> String { "c" + String(offset, radix: 36) }

    static func decodeCursor(_ cursor: String?) -> Int {
        guard let cursor, cursor.hasPrefix("c"), let n = Int(cursor.dropFirst(), radix: 36) else { return 0 }
        return max(n, 0)
    }
}
