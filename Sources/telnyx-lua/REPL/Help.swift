#if canImport(Glibc)
import Glibc
#endif
import CLua
import LuaShims
import Telnyx
import TelnyxLua

/// The REPL's global `help`: `help()` explains the REPL and lists the top-level resources;
/// `help "phone_numbers.list"`, `help(telnyx.phone_numbers.list)` or `help "phone_numbers"`
/// describe a method or a resource from the catalog.
enum Help {
    /// Registers `help` as a global of `session`'s state.
    static func install(in session: REPLSession) {
        session.host.vm.register("help") { lua in
            let text = try helpText(lua, catalog: .shared)
            // Every line within the terminal's width, continuations under their own indent.
            let width = Terminal.breakWidth()
            print(text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line in
                String(line).fitted(width: width, indent: line.prefix { $0 == " " }.count + 2)
            }.joined(separator: "\n"))
            return 0
        }
    }

    /// The help for the argument of the call in progress on `lua`.
    static func helpText(_ lua: Lua, catalog: Catalog) throws -> String {
        let formatter = HelpFormatter(catalog: catalog, palette: Palette(enabled: Terminal.usesColor),
                                      width: Terminal.width)
        if lua.top == 0 || lua.isNoneOrNil(1) { return formatter.overview() }
        let name: String
        switch lua.type(at: 1) {
        case LUA_TSTRING:
            name = try lua.checkString(1)
        case LUA_TFUNCTION, LUA_TTABLE:
            if let described = describedName(lua, at: 1) {
                name = described
            } else if lua.metaString(1, "__name") == "telnyx.Paginator" {
                lua.push("method")
                lua_rawget(lua.state, 1)
                defer { lua.pop() }
                return formatter.paginator(method: lua.toString(-1) ?? "?")
            } else if lua.metaString(1, "__name") == "telnyx.Task" {
                return formatter.task(status: rawText(lua, 1, "status") ?? "?",
                                      failure: rawIsNil(lua, 1, "error") ? nil : rawText(lua, 1, "error"))
            } else if lua.metaString(1, "__name") == "telnyx.Error" {
                return apiErrorHelp(lua, formatter: formatter)
            } else if lua.metaString(1, "__name") == "telnyx.Stream" {
                return formatter.stream(lua.describe(1))
            } else if let library = standardLibraryName(lua, at: 1) {
                return formatter.standardLibrary(library)
            } else if lua.isTable(1) {
                let entries = TableEntries(lua, 1, limit: 200)
                var functions: [String] = [], fields: [String] = []
                for entry in entries.keys {
                    lua.pushKeyedValue(1, entry)
                    guard case .string(let key) = entry.value else {
                        lua.pop()
                        continue
                    }
                    if lua.type(at: -1) == LUA_TFUNCTION { functions.append(key) } else { fields.append(key) }
                    lua.pop()
                }
                return formatter.table(functions: functions, fields: fields)
            } else {
                return formatter.function(named: telnyxFunctionName(lua, at: 1))
            }
        default:
            return formatter.otherValue(lua.typeName(at: 1))
        }
        var key = name.hasPrefix("telnyx.") ? String(name.dropFirst("telnyx.".count)) : name
        if key == "telnyx" { key = "" }
        // The JavaScript SDK's spelling (phoneNumbers.voice.list) names the same thing.
        key = Completer.snakeCasePath(key)
        if key.hasSuffix(".") { key.removeLast() }
        if let spec = catalog.method(named: key) { return formatter.method(spec) }
        if key.isEmpty { return formatter.overview() }
        if catalog.isResource(key) { return formatter.resource(key) }
        return "No API method or resource is named \"\(name)\". Tab completes names: telnyx.<Tab>"
    }

    /// `help(err)` for an API error table: its fields (read raw) with their values.
    private static func apiErrorHelp(_ lua: Lua, formatter: HelpFormatter) -> String {
        var fields: [(name: String, value: String)] = []
        for name in ["type", "status", "message", "errors", "request_id", "method"] {
            lua.push(name)
            defer { lua.pop() }
            switch lua_rawget(lua.state, 1) {
            case LUA_TNIL:
                if name != "method" { fields.append((name, "nil")) }
            case LUA_TSTRING:
                fields.append((name, LuaStringLiteral.quote(lua.toBytes(-1) ?? .init(start: nil, count: 0), limit: 300)))
            case LUA_TTABLE:
                let count = lua_rawlen(lua.state, -1)
                var text = count == 1 ? "1 entry" : "\(count) entries"
                if count > 0 {
                    lua_rawgeti(lua.state, -1, 1)
                    if lua.isTable(-1), let detail = rawText(lua, -1, "detail") ?? rawText(lua, -1, "title") {
                        text += "; the first says \"\(detail)\""
                    }
                    lua.pop()
                }
                fields.append((name, text))
            default:
                fields.append((name, lua.describe(-1)))
            }
        }
        return formatter.apiError(type: rawText(lua, 1, "type") ?? "Error", fields: fields)
    }

    /// The name of Lua's standard library table at `index` (`string`, `math`, ...), if it is
    /// one: the global of that name, read raw, is the same table.
    private static func standardLibraryName(_ lua: Lua, at index: Int32) -> String? {
        let index = lua.absolute(index)
        guard lua.isTable(index) else { return nil }
        for name in ["string", "table", "math", "io", "os", "coroutine", "utf8", "debug", "package"] {
            tl_pushglobaltable(lua.state)
            lua.push(name)
            lua_rawget(lua.state, -2)
            let same = lua_rawequal(lua.state, -1, index) != 0
            lua.pop(2)
            if same { return name }
        }
        return nil
    }

    /// `t[key]` read raw, as text (`tostring`, protected); nil when it is nil.
    private static func rawText(_ lua: Lua, _ index: Int32, _ key: String) -> String? {
        let index = lua.absolute(index)
        lua.push(key)
        defer { lua.pop() }
        guard lua_rawget(lua.state, index) != LUA_TNIL else { return nil }
        return lua.describe(-1)
    }

    private static func rawIsNil(_ lua: Lua, _ index: Int32, _ key: String) -> Bool {
        let index = lua.absolute(index)
        lua.push(key)
        defer { lua.pop() }
        return lua_rawget(lua.state, index) == LUA_TNIL
    }

    /// Where telnyx-lua keeps the function at `index` (`telnyx.spawn`, `telnyx.json.encode`,
    /// `require("telnyx.tabulate").print`); nil for Lua's own functions and the script's.
    static func telnyxFunctionName(_ lua: Lua, at index: Int32) -> String? {
        let index = lua.absolute(index)
        let top = lua.top
        defer { lua.top = top }
        let finder = """
            local f = ...
            local function find(t, prefix)
              for k, v in next, t do if v == f and type(k) == "string" then return prefix .. k end end
            end
            if type(telnyx) ~= "table" then return nil end
            local name = find(telnyx, "telnyx.") or (type(telnyx.json) == "table" and find(telnyx.json, "telnyx.json."))
            if name then return name end
            for module, t in next, package.loaded do
              if type(module) == "string" and module:match("^telnyx%.") and not module:match("^telnyx%.runtime")
                and type(t) == "table" then
                name = find(t, 'require("' .. module .. '").')
                if name then return name end
              end
            end
            """
        guard luaL_loadstring(lua.state, finder) == LUA_OK else { return nil }
        lua.pushValue(at: index)
        guard tl_pcall(lua.state, 1, 1, 0) == LUA_OK, lua.type(at: -1) == LUA_TSTRING else { return nil }
        return lua.toString(-1)
    }

    /// The method or resource name of the function or table at `index`, from
    /// `telnyx.describe(value).name` when the host provides `describe` (called protected).
    static func describedName(_ lua: Lua, at index: Int32) -> String? {
        let index = lua.absolute(index)
        let top = lua.top
        defer { lua.top = top }
        lua.getGlobal("telnyx")
        guard lua.isTable(-1) else { return nil }
        lua.push("describe")
        guard lua_rawget(lua.state, -2) == LUA_TFUNCTION else { return nil }
        lua.pushValue(at: index)
        guard tl_pcall_traceback(lua.state, 1, 1) == LUA_OK else { return nil }
        if lua.isTable(-1) {
            lua.push("name")
            lua_rawget(lua.state, -2)
            return lua.type(at: -1) == LUA_TSTRING ? lua.toString(-1) : nil
        }
        return lua.type(at: -1) == LUA_TSTRING ? lua.toString(-1) : nil
    }
}
