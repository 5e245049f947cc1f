import CLua
import LuaShims
import Telnyx

/// The Swift half of the `telnyx` API, as the internal table `require "telnyx.runtime.api"`.
/// The Lua half (stdlib/telnyx/runtime/) builds the resource tables, the paginators and the
/// scheduler on top of these functions:
///
/// - `start(name, options, ...)` checks a call's arguments and starts its request; returns an id.
/// - `normalize(name, ...)` checks a call's arguments; returns them as one table (paginators).
/// - `finish(id)` returns the result of a finished request, or raises its error table.
/// - `poll(timeout)` waits up to `timeout` seconds; returns the ids finished since last asked.
/// - `sandbox_start(method, path, json)` starts a request to the sandbox's admin API
///   (`/__sandbox/...`, for `require "telnyx.sandbox"`); returns an id as `start` does.
/// - `cancel(id)`, `now()`, `kind(name)`, `children(resource)`, `describe(name)`,
///   `configure(options)`, `check_options(options)` (per-request options), `error(type, message)`.
final class APILibrary {
    let state: APIState
    /// Read on first use, not at start-up: parsing the catalog is about a sixth of the
    /// instructions of `telnyx-lua -e ''` (docs/benchmarks.md), and a script that makes no
    /// API call never needs it.
    var catalog: Catalog { Catalog.shared }

    init(state: APIState) { self.state = state }

    /// Pushes the internal table and registers it as the module `telnyx.runtime.api`.
    func install(_ lua: Lua) {
        ErrorTables.install(lua)
        let functions: [(String, LuaFunction)] = [
            ("start", { [unowned self] in try self.start($0) }),
            ("normalize", { [unowned self] in try self.normalize($0) }),
            ("sandbox_start", { [unowned self] in try self.sandboxStart($0) }),
            ("finish", { [unowned self] in try self.finish($0) }),
            ("poll", { [unowned self] in try self.poll($0) }),
            ("has_finished", { [unowned self] lua in lua.push(self.state.engine.hasFinished); return 1 }),
            ("cancel", { [unowned self] in try self.cancel($0) }),
            ("now", { lua in lua.push(monotonicSeconds()); return 1 }),
            ("kind", { [unowned self] in try self.kind($0) }),
            ("children", { [unowned self] in try self.children($0) }),
            ("describe", { [unowned self] in try self.describe($0) }),
            ("configure", { [unowned self] in try self.configure($0) }),
            ("check_options", { [unowned self] lua in
                _ = try RequestOptionsReader(lua: lua, safe: self.state.safe).read(at: 1)
                return 0
            }),
            ("error", { lua in
                ErrorTables.push(type: try lua.checkString(1), message: try lua.checkString(2), on: lua)
                return 1
            }),
        ]
        lua.registerModule("telnyx.runtime.api", functions: functions)
    }

    // MARK: Calls

    private func spec(_ lua: Lua, at index: Int32) throws -> MethodSpec {
        let name = try lua.checkString(index)
        guard let spec = catalog.method(named: name) else {
            throw LuaError.raise("unknown API method '\(name)'")
        }
        return spec
    }

    /// start(name, options, ...) -> id
    private func start(_ lua: Lua) throws -> Int32 {
        let spec = try spec(lua, at: 1)
        let requestOptions = try RequestOptionsReader(lua: lua, safe: state.safe).read(at: 2)
        let request: APIRequest
        do {
            let builder = CallBuilder(lua: lua, spec: spec, validate: state.validate)
            try builder.pushNormalizedParams(argumentsAt: 3)
            request = try builder.build(fromParamsAt: lua.top)
            lua.pop()
        } catch {
            throw ErrorTables.validation(error.message, on: lua)
        }
        let id: Int
        if let answer = try DryRunHook(lua: lua, state: state).intercept(request, spec: spec, options: requestOptions) {
            id = state.engine.resolved(answer)
        } else {
            if state.options.apiKey == nil, requestOptions?.apiKey == nil, let problem = state.options.apiKeyProblem {
                // The key given was refused when it was loaded; say where it came from.
                ErrorTables.push(type: "AuthenticationError", message: "\(problem); the API key was not used", on: lua)
                throw LuaError.raiseValue()
            }
            guard state.options.apiKey != nil || state.options.clientID != nil || requestOptions?.apiKey != nil else {
                // As the SDKs do: no request without credentials.
                ErrorTables.push(type: "AuthenticationError", message: """
                    no API key: set TELNYX_API_KEY, use --profile NAME, call telnyx.configure{api_key = ...}, \
                    or try the sandbox (telnyx-lua --sandbox)
                    """, on: lua)
                throw LuaError.raiseValue()
            }
            // The body counts in the memory budget while the request is in flight.
            let hold = MemoryHold.empty()
            guard hold.grow(by: request.body.bytesInFlight) else {
                ErrorTables.push(type: "APIError", message: """
                    \(spec.fullName): the request body (\(request.body.byteCount) bytes) does not fit in what is \
                    left of --max-memory
                    """, on: lua)
                throw LuaError.raiseValue()
            }
            id = state.engine.start(request, on: state.client, options: requestOptions, holding: hold)
        }
        state.pending[id] = spec
        lua.push(id)
        return 1
    }

    /// sandbox_start(method, path, json) -> id: not an API method, so no catalog, no dry-run
    /// (the admin API changes only the simulator); only `/__sandbox/` paths, so it cannot reach
    /// the real API's routes.
    private func sandboxStart(_ lua: Lua) throws -> Int32 {
        let method = try lua.checkString(1).uppercased()
        let path = try lua.checkString(2)
        guard ["GET", "POST", "DELETE"].contains(method) else { throw lua.argumentError(1, "GET, POST or DELETE expected") }
        guard path.hasPrefix("/__sandbox/"), !path.contains(text: "{"), !path.contains(text: ".."), !path.contains(text: "?") else {
            throw lua.argumentError(2, "a sandbox admin path (/__sandbox/...) expected")
        }
        let body: RequestBody = lua.isNoneOrNil(3) ? .none : .json(Array(try lua.checkString(3).utf8))
        let id = state.engine.start(APIRequest(method: method, route: path, body: body), on: state.client, options: nil)
        lua.push(id)
        return 1
    }

    /// normalize(name, ...) -> params: checks the call now, so a paginator fails at creation.
    private func normalize(_ lua: Lua) throws -> Int32 {
        let spec = try spec(lua, at: 1)
        do {
            let builder = CallBuilder(lua: lua, spec: spec, validate: state.validate)
            try builder.pushNormalizedParams(argumentsAt: 2)
            _ = try builder.build(fromParamsAt: lua.top)
        } catch {
            throw ErrorTables.validation(error.message, on: lua)
        }
        return 1
    }

    /// finish(id) -> result, or raises the error table.
    private func finish(_ lua: Lua) throws -> Int32 {
        guard let id = lua.toInteger(1).map(Int.init) else { throw lua.argumentError(1, "request id expected") }
        let spec = state.pending.removeValue(forKey: id)
        guard let outcome = state.engine.take(id) else {
            throw LuaError.raise("request \(id) has not finished (or was already collected)")
        }
        do {
            let method = APIState.MethodKey(resource: spec?.resource ?? "", name: spec?.name ?? "")
            try Results.push(try outcome.get(), for: spec, on: lua, hints: &state.tableSizes[method, default: TableSizeHints()])
        } catch {
            ErrorTables.push(error, method: spec?.fullName, on: lua)
            throw LuaError.raiseValue()
        }
        return 1
    }

    /// poll(timeout) -> {ids...}
    private func poll(_ lua: Lua) throws -> Int32 {
        let timeout = lua.toNumber(1) ?? 0
        lua.push(sequence: state.engine.poll(timeout: timeout)) { lua.push($0) }
        return 1
    }

    private func cancel(_ lua: Lua) throws -> Int32 {
        if let id = lua.toInteger(1) { state.engine.cancel(Int(id)) }
        return 0
    }

    // MARK: Catalog

    /// kind(name) -> "resource" | "method", result kind | nil
    private func kind(_ lua: Lua) throws -> Int32 {
        let name = try lua.checkString(1)
        if let spec = catalog.method(named: name) {
            lua.push("method")
            lua.push(spec.result.catalogText)
            return 2
        }
        if catalog.isResource(name) {
            lua.push("resource")
            return 1
        }
        return 0
    }

    /// children(resource) -> {resources...}, {methods...}
    private func children(_ lua: Lua) throws -> Int32 {
        let (resources, methods) = catalog.children(of: try lua.checkString(1))
        for list in [resources, methods] { lua.push(sequence: list) { lua.push($0) } }
        return 2
    }

    private func describe(_ lua: Lua) throws -> Int32 {
        let spec = try spec(lua, at: 1)
        MethodDescription.push(spec, on: lua)
        return 1
    }

    private func configure(_ lua: Lua) throws -> Int32 {
        try Configuration(lua: lua, state: state).apply(tableAt: 1)
        return 0
    }
}
