import CLua
import LuaShims

/// The two values the JSON bridge shares with Lua code, kept in the registry under fixed names:
/// the `telnyx.null` sentinel (JSON null) and the metatable that marks a table as a JSON array.
enum LuaBridgeRegistry {
    static let nullKey = "telnyx-lua.null"
    static let arrayMetatableKey = "telnyx-lua.array"

    /// Creates both values in `lua`'s registry. Called once per state.
    static func install(_ lua: Lua) {
        // null: a userdata, so it is truthy, unique, and prints as "null".
        _ = tl_newuserdata(lua.state, 0)
        lua.newTable()
        lua.push("null")
        lua.setField(-2, "__name")
        lua.push(function: { lua in
            lua.push("null")
            return 1
        })
        lua.setField(-2, "__tostring")
        lua.push("telnyx.null")
        lua.setField(-2, "__metatable")
        lua_setmetatable(lua.state, -2)
        lua.setField(tl_registryindex(), nullKey)

        lua.newTable()
        lua.push("array")
        lua.setField(-2, "__jsontype")
        lua.setField(tl_registryindex(), arrayMetatableKey)
    }

    static func pushNull(_ lua: Lua) { lua.getField(tl_registryindex(), nullKey) }
    static func pushArrayMetatable(_ lua: Lua) { lua.getField(tl_registryindex(), arrayMetatableKey) }

    /// True when the value at `index` is `telnyx.null`.
    static func isNull(_ lua: Lua, _ index: Int32) -> Bool {
        guard lua.type(at: index) == LUA_TUSERDATA else { return false }
        pushNull(lua)
        defer { lua.pop() }
        return lua_rawequal(lua.state, index < 0 ? index - 1 : index, -1) != 0
    }

    /// True when the table at `index` carries the array marker (built by `telnyx.array`).
    static func isMarkedArray(_ lua: Lua, _ index: Int32) -> Bool {
        guard lua_getmetatable(lua.state, index) != 0 else { return false }
        defer { lua.pop() }
        pushArrayMetatable(lua)
        defer { lua.pop() }
        return lua_rawequal(lua.state, -1, -2) != 0
    }
}

extension Lua {
    /// True when the value at `index` is `telnyx.null`.
    public func isTelnyxNull(_ index: Int32) -> Bool { LuaBridgeRegistry.isNull(self, index) }

    /// True when the table at `index` was made (or marked) by `telnyx.array`.
    public func isMarkedArray(_ index: Int32) -> Bool { LuaBridgeRegistry.isMarkedArray(self, index) }
}
