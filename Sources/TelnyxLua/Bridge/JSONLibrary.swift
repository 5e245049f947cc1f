import CLua
import LuaShims
import Telnyx

/// `telnyx.json.encode`, `telnyx.json.decode`, `telnyx.null` and `telnyx.array`.
enum JSONLibrary {
    /// Adds the functions to the table on top of the stack (the `telnyx` table).
    static func install(into lua: Lua) {
        LuaBridgeRegistry.install(lua)

        lua.newTable()
        lua.push(function: encode)
        lua.setField(-2, "encode")
        lua.push(function: decode)
        lua.setField(-2, "decode")
        lua.setField(-2, "json")

        LuaBridgeRegistry.pushNull(lua)
        lua.setField(-2, "null")
        lua.push(function: array)
        lua.setField(-2, "array")
    }

    /// telnyx.json.encode(value) -> string
    private static func encode(_ lua: Lua) throws -> Int32 {
        if lua.top == 0 { throw argumentError("telnyx.json.encode", "value expected") }
        do {
            let bytes = try LuaJSONEncoder.encode(lua, at: 1)
            lua.push(bytes: bytes)
            return 1
        } catch {
            throw LuaError.raise("telnyx.json.encode: \(error)")
        }
    }

    /// telnyx.json.decode(text) -> value
    private static func decode(_ lua: Lua) throws -> Int32 {
        guard lua.type(at: 1) == LUA_TSTRING, let bytes = lua.toBytes(1) else {
            throw argumentError("telnyx.json.decode", "string expected, got \(lua.typeName(at: 1))")
        }
        do {
            try LuaJSONDecoder.push(bytes, on: lua)
        } catch {
            throw LuaError.raise("telnyx.json.decode: \(error)")
        }
        return 1
    }

    /// `telnyx.json.decode: bad argument #1 (string expected, got number)`: the function is
    /// named, since Lua cannot name a function reached through a table field under pcall.
    private static func argumentError(_ function: String, _ message: String) -> LuaError {
        LuaError.raise("\(function): bad argument #1 (\(message))")
    }

    /// telnyx.array([t]) -> t, marked to encode as a JSON array even when empty.
    private static func array(_ lua: Lua) throws -> Int32 {
        if lua.isNoneOrNil(1) {
            lua.top = 0
            lua.newTable()
        } else {
            guard lua.isTable(1) else {
                throw argumentError("telnyx.array", "table or nil expected, got \(lua.typeName(at: 1))")
            }
            lua.top = 1
            if lua_getmetatable(lua.state, 1) != 0 {
                lua.pop()
                if !LuaBridgeRegistry.isMarkedArray(lua, 1) {
                    throw argumentError("telnyx.array", "table already has a metatable")
                }
            }
        }
        LuaBridgeRegistry.pushArrayMetatable(lua)
        lua_setmetatable(lua.state, 1)
        return 1
    }
}
