#if canImport(Glibc)
import Glibc
#endif
import CLua
import LuaShims
import Telnyx

/// Calls the `before_request` hook (set with `telnyx.configure`) with a description of the
/// request: {name, method, path, url, query = {...}, body = "json" or nil}. If the hook returns
/// a table `{status = 200, body = "..."}`, that answer is used and nothing is sent (this is how
/// `--dry-run` prints mutating requests without sending them). The description never holds
/// credentials: headers are not part of it.
struct DryRunHook {
    let lua: Lua
    let state: APIState

    /// The answer for `request` when it must not be sent: the `before_request` hook's, or, under
    /// `--dry-run`, the host's own for a mutating request the hook let through. `--dry-run` is
    /// held here, in Swift, because the hook is Lua the script can replace, disable or patch.
    func intercept(_ request: APIRequest, spec: MethodSpec, options: RequestOptions?) throws -> RequestEngine.Outcome? {
        if let answer = try hookAnswer(request, spec: spec, options: options) { return answer }
        guard state.dryRunEnforced, Self.mutating.contains(request.method.uppercased()) else { return nil }
        return .success(enforcedAnswer(request, spec: spec, baseURL: options?.baseURL ?? state.options.baseURL))
    }

    static let mutating: Set<String> = ["POST", "PUT", "PATCH", "DELETE"]

    /// The full URL the request would go to; nil when its path parameters do not render.
    private static func url(of request: APIRequest, baseURL: String) -> String? {
        try? RequestEncoding.url(baseURL: baseURL, route: request.route, pathParams: request.pathParams, query: request.query)
    }

    /// Prints the request as telnyx.dryrun does and answers `{"data": <the body's object>,
    /// "dry_run": true}`.
    private func enforcedAnswer(_ request: APIRequest, spec: MethodSpec, baseURL: String) -> APIResponse {
        let url = Self.url(of: request, baseURL: baseURL) ?? request.route
        var line = "DRY RUN \(request.method) \(url)  (\(spec.fullName))\n"
        var data: [String: JSONValue] = [:]
        if case .json(let bytes) = request.body {
            line += "  body: \(String(decoding: bytes, as: UTF8.self))\n"
            if case .object(let fields)? = try? JSONValue.parse(bytes) { data = fields }
        }
        var text = line
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        data["dry_run"] = .bool(true)
        let body = JSONValue.object(["data": .object(data)]).jsonBytes
        return APIResponse(status: 200, headers: [("content-type", "application/json")], body: body)
    }

    private func hookAnswer(_ request: APIRequest, spec: MethodSpec, options: RequestOptions?) throws -> RequestEngine.Outcome? {
        guard let ref = state.beforeRequestRef else { return nil }
        let top = lua.top
        defer { lua.top = top }
        lua.pushRef(ref)
        pushDescription(request, spec: spec, baseURL: options?.baseURL ?? state.options.baseURL)
        if tl_pcall_traceback(lua.state, 1, 1) != LUA_OK {
            throw LuaError.raiseValue()  // the hook's error, as it raised it
        }
        guard lua.isTable(-1) else { return nil }
        lua.getField(-1, "status")
        let status = lua.toInteger(-1).map(Int.init) ?? 200
        lua.pop()
        lua.getField(-1, "body")
        let body = lua.toBytes(-1).map { Array($0) } ?? []
        lua.pop()
        let response = APIResponse(status: status, headers: [("content-type", "application/json")], body: body)
        if (200..<300).contains(status) { return .success(response) }
        return .failure(TelnyxError(kind: .forStatus(status), message: "\(status) (from before_request)", status: status))
    }

    private func pushDescription(_ request: APIRequest, spec: MethodSpec, baseURL: String) {
        lua.newTable(recordCapacity: 6)
        lua.push(spec.fullName)
        lua.setField(-2, "name")
        lua.push(request.method)
        lua.setField(-2, "method")
        let path = (try? RequestEncoding.renderPath(request.route, params: request.pathParams)) ?? request.route
        lua.push(path)
        lua.setField(-2, "path")
        let url = Self.url(of: request, baseURL: baseURL) ?? path
        lua.push(url)
        lua.setField(-2, "url")
        lua.newTable()
        for (name, value) in RequestEncoding.queryPairs(request.query) {
            lua.push(value)
            lua.setField(-2, name)
        }
        lua.setField(-2, "query")
        switch request.body {
        case .json(let bytes):
            lua.push(bytes: bytes)
            lua.setField(-2, "body")
        case .raw(let bytes, _):
            lua.push(bytes: bytes)
            lua.setField(-2, "body")
        case .multipart(let parts):
            lua.push("multipart: " + parts.map { "\($0.name) (\($0.data.count) bytes)" }.joined(separator: ", "))
            lua.setField(-2, "body")
        case .none:
            break
        }
    }
}
