import CLua
import LuaShims
import Telnyx

/// Errors raised into Lua are tables: `type` (the SDK's class name, e.g. "NotFoundError"),
/// `status`, `message`, `errors` (Telnyx's error objects), `request_id`, and a metatable with
/// `__tostring`, so `pcall` handlers can branch on fields and tracebacks still read well.
enum ErrorTables {
    static let metatableKey = "telnyx-lua.error"

    /// Creates the shared metatable in the registry. Called once per state.
    static func install(_ lua: Lua) {
        lua.newTable()
        lua.push("telnyx.Error")
        lua.setField(-2, "__name")
        lua.push(function: { lua in
            lua.getField(1, "type")
            let type = lua.toString(-1) ?? "Error"
            lua.getField(1, "message")
            let message = lua.toString(-1) ?? ""
            lua.push(message.isEmpty ? type : "\(type): \(message)")
            return 1
        })
        lua.setField(-2, "__tostring")
        lua.setField(tl_registryindex(), metatableKey)
    }

    /// Pushes the error table for `error`, naming the method that failed when known.
    static func push(_ error: TelnyxError, method: String?, on lua: Lua) {
        lua.newTable(recordCapacity: 8)
        lua.push(error.kind.className)
        lua.setField(-2, "type")
        lua.push(error.message)
        lua.setField(-2, "message")
        if let status = error.status {
            lua.push(status)
            lua.setField(-2, "status")
        }
        if let requestID = error.requestID {
            lua.push(requestID)
            lua.setField(-2, "request_id")
        }
        if let method {
            lua.push(method)
            lua.setField(-2, "method")
        }
        lua.newTable(arrayCapacity: Int32(error.errors.count))
        for (i, detail) in error.errors.enumerated() {
            let bytes = detail.raw.jsonBytes
            let pushed: Bool = bytes.withUnsafeBufferPointer { buffer in
                (try? LuaJSONDecoder.push(buffer, on: lua)) != nil
            }
            if !pushed { lua.newTable() }
            lua.rawSet(-2, Int64(i + 1))
        }
        lua.setField(-2, "errors")
        setMetatable(lua)
    }

    /// Pushes an error table of `type` with `message` (errors found before sending).
    static func push(type: String, message: String, on lua: Lua) {
        lua.newTable(recordCapacity: 4)
        lua.push(type)
        lua.setField(-2, "type")
        lua.push(message)
        lua.setField(-2, "message")
        lua.newTable()
        lua.setField(-2, "errors")
        setMetatable(lua)
    }

    /// Gives the table on top of the stack the error metatable.
    static func setMetatable(_ lua: Lua) {
        lua.getField(tl_registryindex(), metatableKey)
        lua_setmetatable(lua.state, -2)
    }

    /// A `LuaError` that raises a ValidationError table (pushed now) from a Swift function.
    static func validation(_ message: String, on lua: Lua) -> LuaError {
        push(type: "ValidationError", message: message, on: lua)
        return LuaError.raiseValue()
    }
}
