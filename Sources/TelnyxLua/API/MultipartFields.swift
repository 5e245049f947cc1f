#if canImport(Glibc)
import Glibc
#endif
import CConfinement
import CLua
import CMemoryBudget
import LuaShims
import Telnyx

/// The fields of an upload (multipart/form-data) call. A file is given as
/// `telnyx.file("path/to/file.mp3")`, `telnyx.file{data = bytes, filename = "a.wav",
/// content_type = "audio/wav"}` (both make a table with `path` or `data`), or as such a table
/// directly; other values become text fields, and tables are flattened as the SDKs' forms do:
/// `name[key]` for members, `name[]` for each array item (`true`/`false` for booleans).
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
        // By name, stably: the items of one array keep their order.
        return parts.enumerated().sorted { ($0.element.name, $0.offset) < ($1.element.name, $1.offset) }.map(\.element)
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
                let json = try JSONValue.parse(try LuaJSONEncoder.encode(lua, at: index, root: name))
                var parts: [MultipartPart] = []
                Self.flatten(name, json, into: &parts)
                return parts
            } catch {
                throw ParameterChecker.Failure(message: "\(method): \(error)")
            }
        default:
            throw ParameterChecker.Failure(message: "\(method): parameter '\(name)' cannot be a \(lua.typeName(at: index)) in an upload")
        }
    }

    /// The SDKs' form fields of a nested value (their query-string encoder, brackets for arrays).
    static func flatten(_ name: String, _ value: JSONValue, into parts: inout [MultipartPart]) {
        switch value {
        case .null: return
        case .object(let members):
            for (key, member) in members.sorted(by: { $0.key < $1.key }) { flatten("\(name)[\(key)]", member, into: &parts) }
        case .array(let items):
            for item in items { flatten("\(name)[]", item, into: &parts) }
        case .bool(let flag): parts.append(MultipartPart(name: name, text: flag ? "true" : "false"))
        case .int(let number): parts.append(MultipartPart(name: name, text: String(number)))
        case .double(let number): parts.append(MultipartPart(name: name, text: number.description))
        case .string(let text): parts.append(MultipartPart(name: name, text: text))
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
                var part = MultipartPart(
                    name: name, filename: path.split(separator: "/").last.map(String.init) ?? path,
                    contentType: contentType ?? "application/octet-stream", data: try Self.read(path))
                if let filename = field("filename") { part.filename = filename }
                return part
            } catch {
                throw ParameterChecker.Failure(message: "\(method): parameter '\(name)': \(error.description)")
            }
        }
        lua.getField(index, "data")
        defer { lua.pop() }
        guard lua.type(at: -1) == LUA_TSTRING, let bytes = lua.toBytes(-1) else { return nil }
        return MultipartPart(name: name, filename: field("filename") ?? name,
                             contentType: contentType ?? "application/octet-stream", data: Array(bytes))
    }

    struct ReadFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads an upload's file when the request is built. Under `--safe` the path resolves
    /// beneath the recipe's folder as io.open's do (the check is here, in Swift, so changing the
    /// `path` of a `telnyx.file` table afterwards gains nothing); the file must fit in what is left
    /// of the memory budget.
    static func read(_ path: String) throws(ReadFailure) -> [UInt8] {
        let fd: Int32
        if tl_beneath_root() != nil {
            fd = path.withCString { tl_beneath_open($0, strlen($0), O_RDONLY, 0) }
            if fd < 0, let why = tl_beneath_refusal() {
                throw ReadFailure(description: "--safe: '\(path)' \(String(cString: why))")
            }
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
        }
        guard fd >= 0 else { throw ReadFailure(description: "cannot read '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw ReadFailure(description: "'\(path)' is not a regular file")
        }
        let size = Int(info.st_size)
        guard tl_budget_reserve(size) != 0 else {
            throw ReadFailure(description: "'\(path)' (\(size) bytes) does not fit in what is left of --max-memory")
        }
        defer { tl_budget_release(size) }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            done += n
        }
        return Array(bytes.prefix(done))
    }
}
