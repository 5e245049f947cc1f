import Telnyx

/// The pagination schemes of pagination.md: which page a request asks for, and the shape of
/// the page sent back (items key, meta, cursors, TeXML page links).
enum Pagination {
    /// The largest page size the API allows.
    static let maxPageSize = 250
    /// The page size when the caller sets none.
    static let defaultPageSize = 20
    /// The highest page number served. Far beyond any list the sandbox holds, and small enough
    /// that the offset it makes (times the largest page size) cannot overflow.
    static let maxPageNumber = 1_000_000_000
    /// The highest item offset a cursor may carry, for the same reason.
    static let maxOffset = maxPageNumber * maxPageSize

    /// A page position no list can reach: answered 400 instead of computing with it.
    struct OutOfRange: Error, Sendable {
        let parameter: String
        let detail: String
    }

    /// The slice of the list a request asks for.
    struct Window: Sendable {
        let offset: Int
        let size: Int
        /// The page number as the scheme counts it (1-based; 0-based for TeXML).
        let number: Int
    }

    /// The window `query` selects under `scheme` ("texml" for the TeXML lists). A page number
    /// or cursor beyond `maxPageNumber` / `maxOffset` (or too long for an integer) throws
    /// `OutOfRange`, so no arithmetic on it can overflow.
    static func window(scheme: String, query: QueryString) throws(OutOfRange) -> Window {
        let rawSize = query.first("page[size]", "page_size", "per_page", "PageSize", "pageSize", "recordsPerPage", "limit", "page[limit]", "size")
        let size = min(max(Int(rawSize ?? "") ?? (isWholeNumber(rawSize) ? maxPageSize : defaultPageSize), 1), maxPageSize)
        func number(_ names: String..., base: Int) throws(OutOfRange) -> Int {
            for name in names {
                guard let v = query[name] else { continue }
                if let n = Int(v), n <= maxPageNumber { return max(n, base) }
                if isWholeNumber(v) && !v.hasPrefix("-") {
                    throw OutOfRange(parameter: name, detail: "\(name) must be at most \(maxPageNumber).")
                }
                if isWholeNumber(v) { return base }
            }
            return base
        }
        func cursor(_ name: String) throws(OutOfRange) -> Int {
            guard let offset = decodeCursor(query[name]) else {
                throw OutOfRange(parameter: name, detail: "\(name) is not a cursor this list gave out.")
            }
            return offset
        }
        switch scheme {
        case "CursorFlatPagination":
            let offset = try cursor("cursor")
            return Window(offset: offset, size: size, number: offset / size + 1)
        case "EmailCursorPagination":
            let offset = try cursor("page_cursor")
            return Window(offset: offset, size: size, number: offset / size + 1)
        case "EmailBracketCursorPagination", "CloudfsCursorPagination":
            let offset = try cursor("page[after]")
            return Window(offset: offset, size: size, number: offset / size + 1)
        case "texml":
            let n = try number("Page", "page", base: 0)
            return Window(offset: n * size, size: size, number: n)
        case "DefaultFlatPaginationForInexplicitNumberOrders":
            let n = try number("page_number", "page[number]", base: 1)
            return Window(offset: (n - 1) * size, size: size, number: n)
        case "PerPagePagination", "PerPagePaginationV2", "DefaultPaginationForMessagingTollfree":
            let n = try number("page", "page[number]", base: 1)
            return Window(offset: (n - 1) * size, size: size, number: n)
        case "DefaultPaginationForQueues":
            let n = try number("Page", "page", base: 1)
            return Window(offset: (n - 1) * size, size: size, number: n)
        default:
            let n = try number("page[number]", "page_number", base: 1)
            return Window(offset: (n - 1) * size, size: size, number: n)
        }
    }

    /// A page without its items, which the store writes into it: `body` with an empty array
    /// at member `itemsKey`, or (nil) nothing but the items array.
    struct Frame: Sendable {
        let body: JSONValue
        let itemsKey: String?
    }

    /// The page around `itemCount` items: `template` (generated from the list's schema) with
    /// the scheme's position fields put in. `path` and `query` make TeXML's `next_page_uri`.
    static func page(
        scheme: String, itemsKey: String?, template: JSONValue, itemCount: Int, window: Window, total: Int,
        path: String, query: QueryString, nullableNext: Bool
    ) -> Frame {
        let totalPages = (total + window.size - 1) / window.size
        let more = window.offset + itemCount < total
        var body = template.objectValue ?? [:]
        var meta = body["meta"]?.objectValue ?? [:]
        let nextCursor: JSONValue = .string(encodeCursor(window.offset + window.size))
        switch scheme {
        case "DefaultFlatPaginationTopLevelArray":
            return Frame(body: .array([]), itemsKey: nil)
        case "PerPagePaginationV2":
            body["records"] = .array([])
            body["page"] = .int(Int64(window.number))
            body["totalRecords"] = .int(Int64(totalPages))
            return Frame(body: .object(body), itemsKey: "records")
        case "DefaultPaginationForMessagingTollfree":
            body["records"] = .array([])
            body["page"] = .int(Int64(window.number))
            body["total_records"] = .int(Int64(totalPages))
            return Frame(body: .object(body), itemsKey: "records")
        case "DefaultPaginationForQueues", "texml":
            let key = itemsKey ?? "queues"
            body[key] = .array([])
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
            if body["end"] != nil { body["end"] = .int(Int64(window.offset + max(itemCount - 1, 0))) }
            return Frame(body: .object(body), itemsKey: key)
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
        let key = scheme == "DefaultPaginationForLogMessages" ? "log_messages" : "data"
        body[key] = .array([])
        body["meta"] = .object(meta)
        return Frame(body: .object(body), itemsKey: key)
    }

    /// Cursors are opaque to callers; inside they are the offset of the next item.
    static func encodeCursor(_ offset: Int) -> String { "c" + String(offset, radix: 36) }

    /// The offset a cursor holds: 0 for none or one not made here (as before), nil for one
    /// past `maxOffset` (or past what an integer holds), which no list ever gives out.
    static func decodeCursor(_ cursor: String?) -> Int? {
        guard let cursor, cursor.hasPrefix("c") else { return 0 }
        let digits = cursor.dropFirst()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter) }) else { return 0 }
        guard let n = Int(digits, radix: 36), n <= maxOffset else { return nil }
        return max(n, 0)
    }

    /// Whether `text` is an optionally signed run of decimal digits (of any length).
    static func isWholeNumber(_ text: String?) -> Bool {
        guard var digits = text?.utf8[...] else { return false }
        if digits.first == UInt8(ascii: "-") || digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
