import CLua
import LuaShims
import Telnyx

/// The fields of an upload (multipart/form-data) call. A file is given as
/// `telnyx.file("path/to/file.mp3")`, `telnyx.file{data = bytes, filename = "a.wav",
/// content_type = "audio/wav"}` (both make a table with `path` or `data`), or as such a table
/// directly; other values become text fields (tables as JSON).
struct MultipartFields {
    let lua: Lua
    let method: String

    func parts(fromTableAt index: Int32) throws(ParameterChecker.Failure) -> [MultipartPart] {
        var parts: [MultipartPart] = []
        lua.pushNil()
        while lua_next(lua.state, index) != 0 {
            let name = lua.toString(-2)!
            do {
                parts.append(contentsOf: try self.parts(name: name, at: lua.absolute(-1)))
            } catch {
                lua.pop(2)
                throw error
            }
            lua.pop()
        }
        return parts.sorted { $0.name < $1.name }
    }

    private func parts(name: String, at index: Int32) throws(ParameterChecker.Failure) -> [MultipartPart] {
        switch lua.type(at: index) {
        case LUA_TSTRING:
            return [MultipartPart(name: name, data: Array(lua.toBytes(index)!))]
        case LUA_TNUMBER, LUA_TBOOLEAN:
            return [MultipartPart(name: name, text: lua.describe(index))]
        case LUA_TTABLE:
            if let file = try file(at: index, name: name) { return [file] }
            do {
                let json = try LuaJSONEncoder.encode(lua, at: index, root: name)
                return [MultipartPart(name: name, contentType: "application/json", data: json)]
            } catch {
                throw ParameterChecker.Failure(message: "\(method): \(error)")
            }
        default:
            throw ParameterChecker.Failure(message: "\(method): parameter '\(name)' cannot be a \(lua.typeName(at: index)) in an upload")
        }
    }

    /// A file part, when the table at `index` describes a file (has `path` or `data`).
    private func file(at index: Int32, name: String) throws(ParameterChecker.Failure) -> MultipartPart? {
        func field(_ key: String) -> String? {
            lua.getField(index, key)
            defer { lua.pop() }
            return lua.type(at: -1) == LUA_TSTRING ? lua.toString(-1) : nil
        }
        let contentType = field("content_type")
        if let path = field("path") {
            do {
                var part = try MultipartPart(name: name, filePath: path, contentType: contentType)
                if let filename = field("filename") { part.filename = filename }
                return part
            } catch {
                throw ParameterChecker.Failure(message: "\(method): parameter '\(name)': \(error.message)")
            }
        }
        lua.getField(index, "data")
        defer { lua.pop() }
        guard lua.type(at: -1) == LUA_TSTRING, let bytes = lua.toBytes(-1) else { return nil }
        return MultipartPart(name: name, filename: field("filename") ?? name,
                             contentType: contentType ?? "application/octet-stream", data: Array(bytes))
    }
}
