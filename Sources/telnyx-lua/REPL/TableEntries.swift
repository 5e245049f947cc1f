import CLua
import LuaShims
import TelnyxLua

/// The keys of one table in the order the printer shows them: the array part 1..n first, then
/// other numbers ascending, then strings alphabetically, then anything else. Read with `next`
/// (raw), so no metamethod runs.
struct TableEntries {
    /// One key and how it is written before its value (`name = `, `["a b"] = `, or nothing
    /// for the array part).
    struct Key {
        enum Value {
            case integer(Int64)
            case float(Double)
            case string(String)
            /// A key that is not UTF-8: kept as its bytes, so the value under it is found again.
            case bytes([UInt8])
            case boolean(Bool)
            /// A table, function or userdata key, found again by identity.
            case object(UnsafeRawPointer)
        }

        let value: Value
        let label: String
    }

    private(set) var keys: [Key] = []
    /// Entries left out past the limit.
    private(set) var omitted = 0
    /// True when the table is a non-empty sequence 1..n of scalars (packable on lines).
    private(set) var isScalarArray = false

    init(_ lua: Lua, _ index: Int32, limit: Int) {
        let index = lua.absolute(index)
        let state = lua.state
        let arrayLength = Int64(lua_rawlen(state, index))
        var integers: [Int64] = []
        var floats: [Double] = []
        var strings: [[UInt8]] = []
        var booleans: [Bool] = []
        var objects: [(UnsafeRawPointer, String)] = []
        var allScalars = true
        var total = 0
        lua.pushNil()
        while lua_next(state, index) != 0 {
            total += 1
            let valueType = lua_type(state, -1)
            if valueType == LUA_TTABLE { allScalars = false }
            switch lua_type(state, -2) {
            case LUA_TNUMBER:
                if lua.isInteger(-2), let n = lua.toInteger(-2) {
                    if n < 1 || n > arrayLength { integers.append(n) }
                } else if let d = lua.toNumber(-2) {
                    floats.append(d)
                }
            case LUA_TSTRING:
                strings.append(lua.toBytes(-2).map(Array.init) ?? [])
            case LUA_TBOOLEAN:
                booleans.append(lua.toBool(-2))
            default:
                let pointer = lua_topointer(state, -2)!
                objects.append((pointer, "[\(lua.typeName(at: -2)): 0x\(String(UInt(bitPattern: pointer), radix: 16))] = "))
            }
            lua.pop()
        }
        isScalarArray = arrayLength > 0 && total == Int(arrayLength) && allScalars
        var all: [Key] = []
        if arrayLength > 0 {
            for n in 1...arrayLength { all.append(Key(value: .integer(n), label: "")) }
        }
        for n in integers.sorted() { all.append(Key(value: .integer(n), label: "[\(n)] = ")) }
        for d in floats.sorted() {
            lua.push(d)
            all.append(Key(value: .float(d), label: "[\(lua.toString(-1) ?? "?")] = "))
            lua.pop()
        }
        for bytes in strings.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let quoted = "[\(LuaStringLiteral.quote(bytes, limit: 60))] = "
            if let s = String(validating: bytes, as: UTF8.self) {
                all.append(Key(value: .string(s), label: Self.isIdentifier(s) ? "\(s) = " : quoted))
            } else {
                all.append(Key(value: .bytes(bytes), label: quoted))
            }
        }
        for b in booleans.sorted(by: { !$0 && $1 }) { all.append(Key(value: .boolean(b), label: "[\(b)] = ")) }
        for (pointer, label) in objects.sorted(by: { $0.1 < $1.1 }) { all.append(Key(value: .object(pointer), label: label)) }
        keys = Array(all.prefix(limit))
        omitted = all.count - keys.count
    }

    /// Whether `s` can be written as a bare name (`a_b1`, not a keyword).
    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.utf8.first, !(first >= 0x30 && first <= 0x39) else { return false }
        let ok = s.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        return ok && !LuaLexer.keywords.contains(s)
    }
}

extension Lua {
    /// Pushes the raw value of the table at `index` under `key`.
    func pushKeyedValue(_ index: Int32, _ key: TableEntries.Key) {
        let index = absolute(index)
        switch key.value {
        case .integer(let n): lua_rawgeti(state, index, lua_Integer(n))
        case .float(let d): push(d); lua_rawget(state, index)
        case .string(let s): push(s); lua_rawget(state, index)
        case .bytes(let b): push(bytes: b); lua_rawget(state, index)
        case .boolean(let b): push(b); lua_rawget(state, index)
        case .object(let pointer):
            pushNil()
            while lua_next(state, index) != 0 {
                if lua_topointer(state, -2) == pointer {
                    tl_remove(state, -2)
                    return
                }
                pop()
            }
            pushNil()
        }
    }
}

/// Lua string literals for display: quoted, escaped, and cut past a limit.
enum LuaStringLiteral {
    /// `"text"` with `\n`, `\"`, `\\` and control bytes escaped, at most `limit` columns:
    /// longer text is cut (on a UTF-8 boundary) and followed by `...` and its full length. A
    /// string that is not UTF-8 (binary data) has its bytes from 0x80 escaped as `\ddd` too, so
    /// what prints can be pasted back as the same bytes.
    static func quote<C: Collection>(_ bytes: C, limit: Int) -> String where C.Element == UInt8 {
        let binary = String(validating: bytes, as: UTF8.self) == nil
        let marker = "... (\(bytes.count) bytes)"
        var out: [UInt8] = [0x22]
        var columns = 2
        var cut = false
        // Room for the text when it has to be cut (the marker then follows the closing quote).
        let roomWhenCut = max(limit - 2 - marker.count, 8)
        var lastFit = (bytes: 1, columns: 2)
        for byte in bytes {
            var escaped: [UInt8]
            switch byte {
            case 0x22: escaped = [0x5C, 0x22]
            case 0x5C: escaped = [0x5C, 0x5C]
            case 0x0A: escaped = [0x5C, UInt8(ascii: "n")]
            case 0x0D: escaped = [0x5C, UInt8(ascii: "r")]
            case 0x09: escaped = [0x5C, UInt8(ascii: "t")]
            case 0x80... where binary:
                fallthrough
            case 0..<0x20, 0x7F:
                // Three digits, so a digit after the escape cannot be read as part of it.
                let digits = String(byte)
                escaped = Array(("\\" + String(repeating: "0", count: 3 - digits.count) + digits).utf8)
            default: escaped = [byte]
            }
            let isStart = binary || byte & 0xC0 != 0x80
            if isStart, columns - 2 <= roomWhenCut { lastFit = (out.count, columns) }
            if isStart { columns += escaped.count }
            out += escaped
            if columns > limit { cut = true; break }
        }
        if cut {
            out.removeSubrange(lastFit.bytes...)
            return String(decoding: out + [0x22], as: UTF8.self) + marker
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }
}
