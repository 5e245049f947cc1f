import Telnyx

/// `GET /webhook_deliveries`: the delivery log as the real resource lists it, oldest first,
/// with `page[number]`/`page[size]` (max 250) and the filters of `DeliveryLog.matches`.
enum DeliveriesResource {
    static func list(_ log: DeliveryLog, query: QueryString) -> Reply {
        let page = query.nested["page"]
        func number(_ key: String, _ fallback: Int) -> Int? {
            guard let text = page?[key]?.stringValue ?? page?[key]?.intValue.map(String.init) else { return fallback }
            return Int(text)
        }
        guard let pageNumber = number("number", 1), pageNumber >= 1, pageNumber <= 1_000_000_000 else {
            return .error(400, code: "10015", title: "Invalid parameter", detail: "page[number] must be a whole number from 1",
                          source: ["parameter": "page[number]"])
        }
        guard let size = number("size", 20), (1...250).contains(size) else {
            return .error(400, code: "10015", title: "Invalid parameter", detail: "page[size] must be 1...250",
                          source: ["parameter": "page[size]"])
        }
        let filter = query.nested["filter"]?.objectValue ?? [:]
        let matched = log.all.filter { log.matches($0, filter: filter) }
        let start = (pageNumber - 1) * size
        let items = start < matched.count ? Array(matched[start..<min(start + size, matched.count)]) : []
        let pages = (matched.count + size - 1) / size
        return .json(200, [
            "data": .array(items.map(log.json)),
            "meta": ["page_number": .int(Int64(pageNumber)), "page_size": .int(Int64(size)),
                     "total_pages": .int(Int64(pages)), "total_results": .int(Int64(matched.count))],
        ])
    }
}
