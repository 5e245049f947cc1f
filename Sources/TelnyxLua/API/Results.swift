import CLua
import LuaShims
import Telnyx

/// Pushes what an API call returns, by the method's result kind: the decoded JSON body
/// (`r.data.id`); `true` when there is no body; for downloads a table with the bytes, the
/// content type and `:save(path)`. Paginated methods return the decoded page; the paginator in
/// stdlib/telnyx/runtime walks the pages.
enum Results {
    static let binaryMetatableKey = "telnyx-lua.binary"

    static func push(
        _ response: APIResponse, for spec: MethodSpec?, on lua: Lua, hints: inout TableSizeHints
    ) throws(TelnyxError) {
        let kind = spec?.result ?? .json
        if case .binary = kind {
            pushBinary(response, on: lua)
            return
        }
        let expectsNoBody: Bool
        if case .none = kind { expectsNoBody = true } else { expectsNoBody = false }
        if response.body.isEmpty || response.status == 204 || (expectsNoBody && !response.isJSON) {
            guard expectsNoBody || response.status == 204 || response.status == 202 else {
                throw failure("expected a JSON body from \(spec?.fullName ?? "the API"), got an empty \(response.status) response", response)
            }
            lua.push(true)
            return
        }
        let first = response.body.first(where: { $0 > 0x20 })
        guard response.isJSON || first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else {
            throw failure("expected JSON from \(spec?.fullName ?? "the API"), got \(response.contentType ?? "no content type") (\(response.body.count) bytes)", response)
        }
        do {
            try response.body.withUnsafeBufferPointer { try LuaJSONDecoder.push($0, on: lua, hints: &hints) }
        } catch {
            throw failure("malformed JSON in the response of \(spec?.fullName ?? "the API") (\(response.body.count) bytes): \(error)", response)
        }
    }

    /// An `APIResponseValidationError`: the status was fine, the body was not what the method returns.
    private static func failure(_ message: String, _ response: APIResponse) -> TelnyxError {
        TelnyxError(kind: .responseValidation, message: message, status: response.status, headers: response.headers,
                    requestID: response.requestID)
    }

    /// A download: {data = bytes, content_type = ..., size = n} with `:save(path)`.
    private static func pushBinary(_ response: APIResponse, on lua: Lua) {
        lua.newTable(recordCapacity: 3)
        lua.push(bytes: response.body)
        lua.setField(-2, "data")
        lua.push(response.contentType ?? "application/octet-stream")
        lua.setField(-2, "content_type")
        lua.push(response.body.count)
        lua.setField(-2, "size")
        if lua.getField(tl_registryindex(), binaryMetatableKey) != LUA_TTABLE {
            lua.pop()
            makeBinaryMetatable(lua)
        }
        lua_setmetatable(lua.state, -2)
    }

    private static func makeBinaryMetatable(_ lua: Lua) {
        let source = """
            local io = io
            local methods = {}
            function methods:save(path)
              if type(path) ~= "string" or path == "" then
                error("save: expected a file path, got " .. type(path), 2)
              end
              local f, err = io.open(path, "wb")
              if not f then error("save: " .. err, 2) end
              f:write(self.data)
              f:close()
              return path
            end
            return {__index = methods, __name = "telnyx.Binary",
                    __tostring = function(b) return ("<binary %d bytes %s>"):format(b.size, b.content_type) end}
            """
        _ = source.withCString { tl_loadbuffer(lua.state, $0, source.utf8.count, "=binary") }
        _ = tl_pcall(lua.state, 0, 1, 0)
        lua.pushValue(at: -1)
        lua.setField(tl_registryindex(), binaryMetatableKey)
    }
}

