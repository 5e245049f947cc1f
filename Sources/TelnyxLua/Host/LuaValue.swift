import CLua
import LuaShims

/// A Lua value copied into Swift. Tables are copied deeply (cycles are cut: a table already
/// being copied becomes `.opaque("table (cycle)")`). Functions, userdata and threads can't be
/// copied and come back as `.opaque(typeName)`.
public enum LuaValue: Hashable, Sendable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    /// Lua strings are bytes; `string(_:)` and `stringValue` convert to and from Swift strings.
    case bytes([UInt8])
    case table([LuaValue: LuaValue])
    case opaque(String)

    public static func string(_ s: String) -> LuaValue { .bytes(Array(s.utf8)) }

    public var stringValue: String? {
        if case .bytes(let b) = self { return String(decoding: b, as: UTF8.self) }
        return nil
    }

    public var integerValue: Int64? {
        if case .integer(let i) = self { return i }
        return nil
    }

    /// `t[key]` for a table value; nil for anything else.
    public subscript(key: String) -> LuaValue? {
        if case .table(let t) = self { return t[.string(key)] }
        return nil
    }

    public subscript(index: Int64) -> LuaValue? {
        if case .table(let t) = self { return t[.integer(index)] }
        return nil
    }
}

extension LuaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(nilLiteral: ()) { self = .nil }
}

extension Lua {
    /// Pushes a Swift value; tables are built fresh.
    public func push(_ value: LuaValue) {
        switch value {
        case .nil, .opaque: pushNil()
        case .boolean(let b): push(b)
        case .integer(let i): push(i)
        case .number(let d): push(d)
        case .bytes(let b): push(bytes: b)
        case .table(let entries):
            _ = ensureStack(3)
            newTable(recordCapacity: Int32(clamping: entries.count))
            for (key, item) in entries where key != .nil {
                push(key)
                push(item)
                lua_rawset(state, -3)
            }
        }
    }

    /// Copies the value at `index` into Swift.
    public func value(at index: Int32) -> LuaValue {
        var copying = Set<UnsafeRawPointer>()
        return value(at: absolute(index), copying: &copying)
    }

    private func value(at index: Int32, copying: inout Set<UnsafeRawPointer>) -> LuaValue {
        switch lua_type(state, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .boolean(toBool(index))
        case LUA_TNUMBER:
            return isInteger(index) ? .integer(toInteger(index)!) : .number(toNumber(index)!)
        case LUA_TSTRING: return .bytes(Array(toBytes(index)!))
        case LUA_TTABLE:
            let identity = lua_topointer(state, index)!
            guard copying.insert(identity).inserted, ensureStack(3) else { return .opaque("table (cycle)") }
            defer { copying.remove(identity) }
            var entries: [LuaValue: LuaValue] = [:]
            pushNil()
            while lua_next(state, index) != 0 {
                let key = value(at: absolute(-2), copying: &copying)
                entries[key] = value(at: absolute(-1), copying: &copying)
                pop()
            }
            return .table(entries)
        default:
            return .opaque(typeName(at: index))
        }
    }
}
