import CLua
import LuaShims
import Telnyx

/// Decodes JSON text straight onto a Lua stack, with no intermediate tree: objects become
/// tables with string keys, arrays become sequences (an empty array gets the array marker so it
/// encodes back as `[]`), integers stay integers, `null` becomes the `telnyx.null` sentinel.
enum LuaJSONDecoder {
    /// Pushes the decoded value, or throws `JSONError` (leaving the stack as it was).
    static func push(_ bytes: UnsafeBufferPointer<UInt8>, on lua: Lua, maxDepth: Int = JSONParserLimits.maxDepth) throws {
        var hints = TableSizeHints()
        try push(bytes, on: lua, hints: &hints, maxDepth: maxDepth)
    }

    /// The same, with table sizes carried over from earlier documents of the same kind (the
    /// answers of one API method) and updated from this one.
    static func push(
        _ bytes: UnsafeBufferPointer<UInt8>, on lua: Lua, hints: inout TableSizeHints, maxDepth: Int = JSONParserLimits.maxDepth
    ) throws {
        let base = lua.top
        LuaBridgeRegistry.pushNull(lua)
        LuaBridgeRegistry.pushArrayMetatable(lua)
        var sink = LuaTableSink(lua: lua, nullIndex: base + 1, arrayMetatableIndex: base + 2, hints: hints)
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        defer { hints = sink.hints }
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

/// Per nesting depth, the size of the last object and of the last array closed there. A new
/// table at that depth is created with room for as many: the items of a page, and the answers
/// of one method, are alike, so each is allocated once instead of growing (and rehashing)
/// through 1, 2, 4, 8, ... slots, which was 15% of the instructions of decoding a page
/// (docs/benchmarks.md). A hint never changes what is decoded, only the first allocation.
struct TableSizeHints {
    private var objectSizes: [Int32] = []
    private var arraySizes: [Int32] = []
    /// A cap, so that one huge sibling does not make every later table at its depth big.
    private static let maxHint = 256

    init() {}

    /// The size of the last object (array) closed at `depth`; 0 before any.
    func objectSize(at depth: Int) -> Int32 { depth < objectSizes.count ? objectSizes[depth] : 0 }
    func arraySize(at depth: Int) -> Int32 { depth < arraySizes.count ? arraySizes[depth] : 0 }

    mutating func closedObject(_ count: Int, at depth: Int) { Self.remember(count, in: &objectSizes, at: depth) }
    mutating func closedArray(_ count: Int, at depth: Int) { Self.remember(count, in: &arraySizes, at: depth) }

    private static func remember(_ count: Int, in sizes: inout [Int32], at depth: Int) {
        let size = Int32(min(count, maxHint))
        if depth < sizes.count {
            sizes[depth] = size
        } else {
            while sizes.count < depth { sizes.append(0) }
            sizes.append(size)
        }
    }
}

/// Parser events turned into Lua stack operations.
struct LuaTableSink: JSONSink {
    let lua: Lua
    let nullIndex: Int32
    let arrayMetatableIndex: Int32
    private(set) var hints: TableSizeHints
    private var depth = 0

    init(lua: Lua, nullIndex: Int32, arrayMetatableIndex: Int32, hints: TableSizeHints = TableSizeHints()) {
        self.lua = lua
        self.nullIndex = nullIndex
        self.arrayMetatableIndex = arrayMetatableIndex
        self.hints = hints
    }

    private func reserve() throws {
        guard lua.ensureStack(4) else { throw JSONError("too deeply nested for the Lua stack", offset: 0) }
    }

    func null() { lua.pushValue(at: nullIndex) }
    func bool(_ value: Bool) { lua.push(value) }
    func int(_ value: Int64) { lua.push(value) }
    func double(_ value: Double) { lua.push(value) }
    func string(_ bytes: UnsafeBufferPointer<UInt8>) { lua.push(bytes: bytes) }
    mutating func beginArray() throws {
        try reserve()
        lua.newTable(arrayCapacity: hints.arraySize(at: depth))
        depth += 1
    }
    func arrayElement(index: Int) { lua.rawSet(-2, Int64(index)) }
    mutating func endArray(count: Int) {
        depth -= 1
        hints.closedArray(count, at: depth)
        if count == 0 {
            lua.pushValue(at: arrayMetatableIndex)
            lua_setmetatable(lua.state, -2)
        }
    }
    mutating func beginObject() throws {
        try reserve()
        lua.newTable(recordCapacity: hints.objectSize(at: depth))
        depth += 1
    }
    func key(_ bytes: UnsafeBufferPointer<UInt8>) { lua.push(bytes: bytes) }
    func objectMember() { lua_rawset(lua.state, -3) }
    mutating func endObject(count: Int) {
        depth -= 1
        hints.closedObject(count, at: depth)
    }
}
