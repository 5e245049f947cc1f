import CLua
import LuaShims
import TelnyxLua

/// The environment every REPL chunk runs in. Names declared with a top-level `local` (see
/// LocalDeclarations) live in its own `values` table, so they outlive their line; every other
/// name reads and writes the real globals. Functions defined at the prompt keep this scope as
/// their `_ENV`, so they see the REPL's locals too.
struct REPLScope {
    /// Registry references: the scope table, the set of declared names, their values.
    let scopeRef: Int32
    let declaredRef: Int32
    let valuesRef: Int32

    private static let source = """
        local G, declared, values = _G, {}, {}
        local function declare(...)
            for i = 1, select("#", ...) do
                local name = select(i, ...)
                declared[name] = true
                values[name] = nil
            end
        end
        local scope = setmetatable({}, {
            __index = function(_, name)
                if declared[name] then return values[name] end
                if name == "\(LocalDeclarations.declareFunction)" then return declare end
                return G[name]
            end,
            __newindex = function(_, name, value)
                if declared[name] then values[name] = value else G[name] = value end
            end,
        })
        return scope, declared, values
        """

    /// Creates the scope in `host`'s state.
    init(host: TelnyxHost) throws {
        let lua = host.vm.lua
        try host.vm.load(Array(Self.source.utf8), name: "=repl")
        try host.vm.call(argumentCount: 0, resultCount: 3)
        valuesRef = lua.ref()
        declaredRef = lua.ref()
        scopeRef = lua.ref()
    }

    /// The names declared with a top-level `local` so far.
    func localNames(_ lua: Lua) -> [String] {
        lua.pushRef(declaredRef)
        defer { lua.pop() }
        return lua.safeFieldNames(-1).map(\.name)
    }

    /// Pushes the value `name` has at the prompt: a REPL local if declared, else the global
    /// (read raw, so no `__index` of _G runs).
    func pushVariable(_ lua: Lua, _ name: String) {
        lua.pushRef(declaredRef)
        lua.push(name)
        let isLocal = lua_rawget(lua.state, -2) != LUA_TNIL
        lua.pop(2)
        if isLocal {
            lua.pushRef(valuesRef)
        } else {
            tl_pushglobaltable(lua.state)
        }
        lua.push(name)
        lua_rawget(lua.state, -2)
        tl_remove(lua.state, -2)
    }
}
