import CLua
import LuaShims
import Telnyx

/// Decodes JSON text straight onto a Lua stack, with no intermediate tree: objects become
/// tables with string keys, arrays become sequences (an empty array gets the array marker so it
/// encodes back as `[]`), integers stay integers, `null` becomes the `telnyx.null` sentinel.
enum LuaJSONDecoder {
    /// Pushes the decoded value, or throws `JSONError` (leaving the stack as it was).
    static func push(_ bytes: UnsafeBufferPointer<UInt8>, on lua: Lua, maxDepth: Int = JSONParserLimits.maxDepth) throws {
        let base = lua.top
        LuaBridgeRegistry.pushNull(lua)
        LuaBridgeRegistry.pushArrayMetatable(lua)
        var sink = LuaTableSink(lua: lua, nullIndex: base + 1, arrayMetatableIndex: base + 2)
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        do {
            try parser.parseDocument(into: &sink)
        } catch {
            lua.top = base
            throw error
        }
        // Stack: null, array metatable, value.
        lua_rotate(lua.state, base + 1, 1)
        lua.top = base + 1
    }
}

/// Parser events turned into Lua stack operations.
struct LuaTableSink: JSONSink {
    let lua: Lua
    let nullIndex: Int32
    let arrayMetatableIndex: Int32

    private func reserve() throws {
        guard lua.ensureStack(4) else { throw JSONError("too deeply nested for the Lua stack", offset: 0) }
    }

    func null() { lua.pushValue(at: nullIndex) }
    func bool(_ value: Bool) { lua.push(value) }
    func int(_ value: Int64) { lua.push(value) }
    func double(_ value: Double) { lua.push(value) }
    func string(_ bytes: UnsafeBufferPointer<UInt8>) { lua.push(bytes: bytes) }
    func beginArray() throws {
        try reserve()
        lua.newTable()
    }
    func arrayElement(index: Int) { lua.rawSet(-2, Int64(index)) }
    func endArray(count: Int) {
        if count == 0 {
            lua.pushValue(at: arrayMetatableIndex)
            lua_setmetatable(lua.state, -2)
        }
    }
    func beginObject() throws {
        try reserve()
        lua.newTable()
    }
    func key(_ bytes: UnsafeBufferPointer<UInt8>) { lua.push(bytes: bytes) }
    func objectMember() { lua_rawset(lua.state, -3) }
    func endObject(count: Int) {}
}
