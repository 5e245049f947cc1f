import Telnyx

/// A request as the core sees it: decoded from HTTP by the server handler.
struct IncomingRequest: Sendable {
    let method: String
    /// The path without the query.
    let path: String
    /// The raw query text after `?`, or "".
    let rawQuery: String
    /// Header names lower-cased.
    let headers: [(String, String)]
    let body: [UInt8]
    /// True when the peer is on loopback (the admin endpoints refuse everyone else).
    let fromLoopback: Bool

    func header(_ name: String) -> String? {
        headers.first { $0.0 == name }?.1
    }
}

/// An answer, plus what the fault injector wants done to it on the wire.
struct Reply: Sendable {
    var status: Int
    var contentType: String?
    var extraHeaders: [(String, String)] = []
    var body: [UInt8]
    var action: FaultAction = .none
    var delayMs = 0
    /// The request-log number to finish once the answer is out (nil: not logged).
    var logNumber: Int?

    /// A JSON answer.
    static func json(_ status: Int, _ value: JSONValue) -> Reply {
        var writer = JSONWriter()
        writer.write(value)
        return Reply(status: status, contentType: "application/json", body: writer.bytes)
    }

    /// An answer in Telnyx's error format: `{"errors": [{code, title, detail, source?}]}`.
    static func error(_ status: Int, code: String, title: String, detail: String, source: JSONValue? = nil) -> Reply {
        var entry: [String: JSONValue] = ["code": .string(code), "title": .string(title), "detail": .string(detail)]
        if let source { entry["source"] = source }
        return json(status, ["errors": [.object(entry)]])
    }

    /// 404 for an id (or route) that does not exist.
    static func notFound(_ detail: String) -> Reply {
        error(404, code: "10005", title: "Resource not found", detail: detail)
    }
}
