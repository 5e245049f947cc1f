#if canImport(Glibc)
import Glibc
#endif
import CLua
import LuaShims
import Telnyx

/// `telnyx.configure{api_key=..., base_url=..., timeout=..., max_retries=..., validate=...,
/// headers={...}, before_request=fn}`: changes the options every later call uses.
struct Configuration {
    let lua: Lua
    let state: APIState

    static let keys = ["api_key", "base_url", "timeout", "connect_timeout", "max_retries", "validate",
                       "headers", "before_request"]

    func apply(tableAt index: Int32) throws {
        try lua.checkTable(index)
        var changes: [(inout ClientOptions) -> Void] = []
        lua.pushNil()
        while lua_next(lua.state, index) != 0 {
            defer { lua.pop() }
            guard let key = lua.type(at: -2) == LUA_TSTRING ? lua.toString(-2) : nil else {
                throw LuaError.raise("telnyx.configure: option names are strings")
            }
            let value = lua.absolute(-1)
            let reader = OptionReader(lua: lua, context: "telnyx.configure")
            if state.safe && ["api_key", "base_url", "before_request"].contains(key) {
                throw LuaError.raise("--safe: telnyx.configure: '\(key)' cannot be changed in safe mode")
            }
            switch key {
            case "api_key":
                let v = try reader.apiKey(value, key)
                changes.append { options in
                    options.apiKey = v
                    options.apiKeyProblem = nil
                }
            case "base_url":
                let v = try reader.string(value, key)
                changes.append { $0.baseURL = v }
            case "timeout":
                let v = try reader.seconds(value, key)
                changes.append { $0.timeout = v }
            case "connect_timeout":
                let v = try reader.seconds(value, key)
                changes.append { $0.connectTimeout = v }
            case "max_retries":
                let v = try reader.count(value, key)
                changes.append { $0.maxRetries = v }
            case "headers":
                let v = try reader.headers(value, key)
                changes.append { $0.defaultHeaders = v }
            case "validate":
                state.validate = lua.toBool(value)
            case "before_request":
                if let old = state.beforeRequestRef { lua.unref(old) }
                state.beforeRequestRef = nil
                if lua.type(at: value) == LUA_TFUNCTION {
                    lua.pushValue(at: value)
                    state.beforeRequestRef = lua.ref()
                } else if lua.toBool(value) {
                    throw LuaError.raise("telnyx.configure: before_request must be a function or nil")
                }
            default:
                let hint = Suggestions.closest(to: key, in: Self.keys).map { " (did you mean '\($0)'?)" } ?? ""
                throw LuaError.raise("telnyx.configure: unknown option '\(key)'\(hint)")
            }
        }
        if !changes.isEmpty {
            state.reconfigure { options in for change in changes { change(&options) } }
        }
    }
}

/// Per-call options, the table `telnyx.with_options{...}` carries: timeout, max_retries,
/// headers, api_key, base_url.
struct RequestOptionsReader {
    let lua: Lua
    let safe: Bool

    func read(at index: Int32) throws -> RequestOptions? {
        guard lua.type(at: index) == LUA_TTABLE else { return nil }
        var options = RequestOptions()
        let reader = OptionReader(lua: lua, context: "telnyx.with_options")
        lua.pushNil()
        while lua_next(lua.state, index) != 0 {
            defer { lua.pop() }
            let key = lua.toString(-2) ?? "?"
            let value = lua.absolute(-1)
            if safe && (key == "api_key" || key == "base_url") {
                throw LuaError.raise("--safe: telnyx.with_options: '\(key)' cannot be changed in safe mode")
            }
            switch key {
            case "timeout": options.timeout = try reader.seconds(value, key)
            case "max_retries": options.maxRetries = try reader.count(value, key)
            case "headers": options.headers = try reader.headers(value, key)
            case "api_key": options.apiKey = try reader.apiKey(value, key)
            case "base_url": options.baseURL = try reader.string(value, key)
            default:
                throw LuaError.raise("telnyx.with_options: unknown option '\(key)' (options: timeout, max_retries, headers, api_key, base_url)")
            }
        }
        return options
    }
}

/// Reads option values with errors that say which option was wrong.
struct OptionReader {
    let lua: Lua
    let context: String

    func string(_ index: Int32, _ key: String) throws -> String {
        guard lua.type(at: index) == LUA_TSTRING, let s = lua.toString(index), !s.isEmpty else {
            throw LuaError.raise("\(context): '\(key)' must be a non-empty string, got \(lua.typeName(at: index))")
        }
        return s
    }

    /// An API key, trimmed; one with a control character or whitespace inside is refused here,
    /// naming the option and never quoting the key.
    func apiKey(_ index: Int32, _ key: String) throws -> String {
        let raw = try string(index, key)
        do {
            return try APIKeyCheck.clean(raw, source: "\(context): '\(key)'")
        } catch {
            throw LuaError.raise(error.description)
        }
    }

    /// The longest timeout kept: 30 days. Anything longer waits as long in practice, and the
    /// clamp keeps every later conversion to integer milliseconds in range (1e300 once trapped).
    static let maxSeconds = 30.0 * 86_400

    func seconds(_ index: Int32, _ key: String) throws -> Double {
        guard lua.type(at: index) == LUA_TNUMBER, let v = lua.toNumber(index), v > 0, v.isFinite else {
            throw LuaError.raise("\(context): '\(key)' must be a positive number of seconds")
        }
        return min(v, Self.maxSeconds)
    }

    func count(_ index: Int32, _ key: String) throws -> Int {
        guard lua.isInteger(index), let v = lua.toInteger(index), v >= 0, v <= 100 else {
            throw LuaError.raise("\(context): '\(key)' must be a whole number from 0 to 100")
        }
        return Int(v)
    }

    func headers(_ index: Int32, _ key: String) throws -> [(String, String)] {
        guard lua.isTable(index) else { throw LuaError.raise("\(context): '\(key)' must be a table of strings") }
        var result: [(String, String)] = []
        lua.pushNil()
        while lua_next(lua.state, index) != 0 {
            defer { lua.pop() }
            guard lua.type(at: -2) == LUA_TSTRING, lua.type(at: -1) == LUA_TSTRING else {
                throw LuaError.raise("\(context): '\(key)' must map header names to strings")
            }
            result.append((lua.toString(-2)!, lua.toString(-1)!))
        }
        return result.sorted { $0.0 < $1.0 }
    }
}

/// Seconds on a monotonic clock, for timers and elapsed times.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
