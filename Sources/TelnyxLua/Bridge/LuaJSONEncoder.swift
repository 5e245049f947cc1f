import CLua
import CMemoryBudget
import LuaShims
import Telnyx

/// What the encoder may know about the expected shape of a value, so that an empty Lua table
/// becomes `[]` where an array is wanted and `{}` where an object is. The catalog's schemas
/// conform to it (see API/); nil means "no idea".
public protocol JSONShapeHint {
    var wantsArray: Bool { get }
    func member(_ name: String) -> JSONShapeHint?
    var element: JSONShapeHint? { get }
}

/// An error encoding a Lua value, naming where in the value it happened:
/// `params.filter.tag: cannot encode a function`.
public struct LuaJSONEncodingError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Encodes the Lua value at a stack index as JSON text.
///
/// Rules: integers stay integers and floats are written so they read back as floats; strings
/// must be valid UTF-8; `telnyx.null` is `null`; a table whose keys are exactly 1..n is an
/// array, one with string keys an object (keys sorted, so the text is stable), an empty one
/// `{}` unless marked with `telnyx.array()` or a shape hint wants an array. Cycles, mixed or
/// sparse keys, keys that are neither strings nor integers, NaN and infinities, functions,
/// userdata and threads are errors naming the path.
struct LuaJSONEncoder {
    let lua: Lua
    let maxDepth: Int
    private(set) var writer = JSONWriter()
    private var path: [PathStep] = []
    private var open: Set<UnsafeRawPointer> = []
    /// Bytes of the output counted in the process's memory budget so far.
    private var counted = 0

    private enum PathStep {
        case key(String)
        case index(Int)
    }

    init(lua: Lua, maxDepth: Int = JSONParserLimits.maxDepth) {
        self.lua = lua
        self.maxDepth = maxDepth
    }

    /// Encodes the value at `index`; `root` names it in error paths (`params`, `value`).
    static func encode(_ lua: Lua, at index: Int32, root: String = "value",
                       hint: JSONShapeHint? = nil) throws(LuaJSONEncodingError) -> [UInt8] {
        var encoder = LuaJSONEncoder(lua: lua)
        let top = lua.top
        defer {
            lua.top = top
            tl_budget_release(encoder.counted)
        }
        do {
            try encoder.encodeValue(at: lua.absolute(index), hint: hint)
        } catch let reason as Failure {
            throw LuaJSONEncodingError(path: encoder.pathText(root: root), reason: reason.reason)
        } catch {
            throw LuaJSONEncodingError(path: root, reason: "\(error)")
        }
        return encoder.writer.bytes
    }

    private struct Failure: Error { let reason: String }

    private func pathText(root: String) -> String {
        var text = root
        for step in path {
            switch step {
            case .key(let k):
                let plain = !k.isEmpty && k.utf8.allSatisfy { $0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
                text += plain ? ".\(k)" : "[\"\(k)\"]"
            case .index(let i): text += "[\(i)]"
            }
        }
        return text
    }

    private mutating func encodeValue(at index: Int32, hint: JSONShapeHint?) throws {
        switch lua.type(at: index) {
        case LUA_TNIL:
            writer.writeNull()
        case LUA_TBOOLEAN:
            writer.writeBool(lua.toBool(index))
        case LUA_TNUMBER:
            if lua.isInteger(index) {
                writer.writeInt(lua.toInteger(index)!)
            } else {
                let d = lua.toNumber(index)!
                guard d.isFinite else { throw Failure(reason: "cannot encode \(d.isNaN ? "NaN" : "an infinite number") in JSON") }
                writer.writeDouble(d)
            }
        case LUA_TSTRING:
            let bytes = lua.toBytes(index)!
            guard isValidUTF8(bytes) else { throw Failure(reason: "string is not valid UTF-8") }
            writer.writeString(bytes: bytes)
            // One string can be shared by many fields: each copy counts.
            if bytes.count > 4096 { try checkLimits() }
        case LUA_TTABLE:
            try encodeTable(at: index, hint: hint)
        case LUA_TUSERDATA where LuaBridgeRegistry.isNull(lua, index):
            writer.writeNull()
        default:
            throw Failure(reason: "cannot encode a \(lua.typeName(at: index))")
        }
    }

    /// Called at each table: a shared subtable is encoded once per reference, so the output can
    /// grow exponentially in the input's size; it must stay in the memory budget and stop at
    /// Ctrl-C or the timeout, which cannot interrupt Swift code.
    private mutating func checkLimits() throws {
        if tl_interrupt_requested() != 0 { throw Failure(reason: String(cString: tl_interrupt_message())) }
        // The array's capacity is what it holds in memory (it grows by doubling).
        let size = writer.bytes.capacity
        if size > counted + 65536 {
            guard tl_budget_reserve(size - counted) != 0 else {
                throw Failure(reason: "the JSON text (over \(size) bytes) does not fit in what is left of --max-memory")
            }
            counted = size
        }
    }

    private mutating func encodeTable(at index: Int32, hint: JSONShapeHint?) throws {
        try checkLimits()
        let identity = lua_topointer(lua.state, index)!
        guard !open.contains(identity) else { throw Failure(reason: "cycle: the table contains itself") }
        guard open.count < maxDepth, lua.ensureStack(4) else {
            throw Failure(reason: "nested deeper than \(maxDepth) levels")
        }
        open.insert(identity)
        defer { open.remove(identity) }

        var stringKeys: [String] = []
        var integerCount = 0
        var maxInteger: Int64 = 0
        lua.pushNil()
        while lua_next(lua.state, index) != 0 {
            lua.pop()
            switch lua.type(at: -1) {
            case LUA_TSTRING:
                guard isValidUTF8(lua.toBytes(-1)!) else {
                    lua.pop()
                    throw Failure(reason: "a key is not valid UTF-8")
                }
                stringKeys.append(lua.toString(-1)!)
            case LUA_TNUMBER where lua.isInteger(-1):
                integerCount += 1
                maxInteger = max(maxInteger, lua.toInteger(-1)!)
            case LUA_TNUMBER:
                lua.pop()
                throw Failure(reason: "cannot use a non-integer number as a key")
            default:
                let name = lua.typeName(at: -1)
                lua.pop()
                throw Failure(reason: "cannot use a \(name) as a key")
            }
        }
        if integerCount > 0 && !stringKeys.isEmpty {
            throw Failure(reason: "mixed keys: a table is either an array (keys 1..n) or an object (string keys)")
        }
        if integerCount > 0 {
            guard maxInteger == Int64(integerCount) else {
                throw Failure(reason: "sparse array: integer keys must be 1..n without holes")
            }
            try encodeArray(at: index, count: integerCount, hint: hint)
        } else if stringKeys.isEmpty {
            let wantsArray = hint?.wantsArray ?? LuaBridgeRegistry.isMarkedArray(lua, index)
            writer.append(UInt8(ascii: wantsArray ? "[" : "{"))
            writer.append(UInt8(ascii: wantsArray ? "]" : "}"))
        } else {
            try encodeObject(at: index, keys: stringKeys.sorted(), hint: hint)
        }
    }

    private mutating func encodeArray(at index: Int32, count: Int, hint: JSONShapeHint?) throws {
        writer.append(UInt8(ascii: "["))
        let element = hint?.element
        for i in 1...count {
            if i > 1 { writer.append(UInt8(ascii: ",")) }
            path.append(.index(i))
            lua.rawGet(index, Int64(i))
            try encodeValue(at: lua.absolute(-1), hint: element)
            lua.pop()
            path.removeLast()
        }
        writer.append(UInt8(ascii: "]"))
    }

    private mutating func encodeObject(at index: Int32, keys: [String], hint: JSONShapeHint?) throws {
        writer.append(UInt8(ascii: "{"))
        for (i, key) in keys.enumerated() {
            if i > 0 { writer.append(UInt8(ascii: ",")) }
            path.append(.key(key))
            lua.push(key)
            lua_rawget(lua.state, index)
            writer.writeString(key)
            writer.append(UInt8(ascii: ":"))
            try encodeValue(at: lua.absolute(-1), hint: hint?.member(key))
            lua.pop()
            path.removeLast()
        }
        writer.append(UInt8(ascii: "}"))
    }
}
