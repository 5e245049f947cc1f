import CLua
import LuaShims
import TelnyxEvents

/// The Swift half of `telnyx-lua serve`, as the internal module `telnyx.runtime.events_host`.
/// The Lua half (stdlib/telnyx/events.lua) dispatches what these functions hand it:
///
/// - `take([limit])` -> the requests accepted since the last call (at most `limit`): `{kind = "delivery"|"route",
///   token, method, path, query, headers = {lower-case name = value}, body}`.
/// - `respond(token, status, headers, body)` answers a route request; false if already answered.
/// - `add_route(pattern, verify)` tells the server which paths Lua serves.
/// - `stopping()` -> whether Ctrl-C or SIGTERM asked the server to stop.
/// - `stop_accepting()`, `abandon_routes()`: the two steps of a graceful stop.
/// - `log(what, call, outcome, detail)` writes one log line (EventLog's format) to stderr.
/// - `url()` -> the server's URL, or nil when no server is attached (replay, plain scripts).
final class EventsBridge {
    /// What the host attaches when it serves; nil otherwise.
    struct Attachment {
        let inbox: EventInbox
        let url: String
        let stopAccepting: () -> Void
    }

    var attachment: Attachment?

    func install(_ lua: Lua) {
        let functions: [(String, LuaFunction)] = [
            ("take", { [unowned self] lua in
                let limit = lua.toInteger(1).map { Int(clamping: max(0, $0)) } ?? .max
                let items = self.attachment?.inbox.take(limit: limit) ?? []
                lua.push(sequence: items) { Self.push($0, on: lua) }
                return 1
            }),
            ("respond", { [unowned self] in try self.respond($0) }),
            ("add_route", { [unowned self] lua in
                let pattern = try lua.checkString(1)
                self.attachment?.inbox.addRoute(pattern, verify: lua.isNoneOrNil(2) || lua.toBool(2))
                return 0
            }),
            ("stopping", { [unowned self] lua in
                lua.push(tl_stop_requested() != 0 || (self.attachment?.inbox.isStopped ?? false))
                return 1
            }),
            ("stop_accepting", { [unowned self] _ in
                self.attachment?.stopAccepting()
                return 0
            }),
            ("abandon_routes", { [unowned self] _ in
                self.attachment?.inbox.abandonOpenRoutes()
                return 0
            }),
            ("log", { lua in
                let line = EventLog.line(what: lua.toString(1) ?? "-", call: lua.toString(2), outcome: lua.toString(3) ?? "-",
                                         detail: lua.toString(4) ?? "")
                EventLog.write(line)
                return 0
            }),
            ("url", { [unowned self] lua in
                if let url = self.attachment?.url { lua.push(url) } else { lua.pushNil() }
                return 1
            }),
        ]
        lua.registerModule("telnyx.runtime.events_host", functions: functions)
    }

    private static func push(_ item: EventInbox.Item, on lua: Lua) {
        lua.newTable(recordCapacity: 7)
        lua.push(item.kind.rawValue)
        lua.setField(-2, "kind")
        lua.push(item.token)
        lua.setField(-2, "token")
        lua.push(item.method)
        lua.setField(-2, "method")
        lua.push(item.path)
        lua.setField(-2, "path")
        lua.push(item.query)
        lua.setField(-2, "query")
        lua.newTable(recordCapacity: Int32(item.headers.count))
        var seen: [String: String] = [:]
        for (name, value) in item.headers {
            // Repeated headers read as one, joined as HTTP allows.
            let joined = seen[name].map { $0 + ", " + value } ?? value
            seen[name] = joined
            lua.push(joined)
            lua.setField(-2, name)
        }
        lua.setField(-2, "headers")
        lua.push(bytes: item.body)
        lua.setField(-2, "body")
    }

    /// respond(token, status, headers, body) -> boolean
    private func respond(_ lua: Lua) throws -> Int32 {
        guard let token = lua.toInteger(1) else { throw lua.argumentError(1, "request token expected") }
        guard let status = lua.toInteger(2), (200...599).contains(status) else {
            throw lua.argumentError(2, "an HTTP status (200-599) expected")
        }
        var headers: [(String, String)] = []
        if lua.isTable(3) {
            lua.pushNil()
            while lua_next(lua.state, 3) != 0 {
                guard let name = lua.toString(-2), Self.isToken(name) else {
                    throw LuaError.raise("route handler: header name \(lua.describe(-2)) is not an HTTP token (letters, digits, !#$%&'*+-.^_`|~)")
                }
                guard let value = lua.toString(-1), Self.isHeaderValue(value) else {
                    throw LuaError.raise("route handler: header '\(name)' must be a string without CR, LF or NUL")
                }
                headers.append((name.lowercased(), value))
                lua.pop()
            }
        }
        // No body where HTTP allows none (the next answer on the connection would start with it).
        let body = status == 204 || status == 304 ? [] : lua.toBytes(4).map(Array.init) ?? []
        guard let inbox = attachment?.inbox else {
            lua.push(false)
            return 1
        }
        lua.push(inbox.respond(token: Int(token), EventInbox.Response(status: Int(status), headers: headers, body: body)))
        return 1
    }

    /// An HTTP token (RFC 9110), what a header name must be: NIO refuses anything else.
    private static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 256 && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// A header value that cannot split the response (no CR, LF or NUL).
    private static func isHeaderValue(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 }
    }
}
