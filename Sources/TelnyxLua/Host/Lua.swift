import CLua
import LuaShims

/// A view of one Lua thread's stack: the main state or a coroutine. It is a plain pointer
/// wrapper, cheap to copy; it owns nothing. Only the thread that runs the host may use it.
///
/// Indices follow the C API: positive from the bottom (1 is the first argument of a call),
/// negative from the top.
public struct Lua {
    public let state: OpaquePointer

    public init(_ state: OpaquePointer) { self.state = state }

    // MARK: Stack

    public var top: Int32 {
        get { lua_gettop(state) }
        nonmutating set { lua_settop(state, newValue) }
    }

    public func pop(_ n: Int32 = 1) { tl_pop(state, n) }

    public func type(at index: Int32) -> Int32 { lua_type(state, index) }

    public func typeName(at index: Int32) -> String {
        let t = lua_type(state, index)
        return t == LUA_TNONE ? "no value" : String(cString: lua_typename(state, t))
    }

    public func absolute(_ index: Int32) -> Int32 { lua_absindex(state, index) }

    /// Makes room for `n` more values; false when the stack cannot grow (too deep).
    public func ensureStack(_ n: Int32) -> Bool { lua_checkstack(state, n) != 0 }

    // MARK: Pushing

    public func pushNil() { lua_pushnil(state) }
    public func push(_ value: Bool) { lua_pushboolean(state, value ? 1 : 0) }
    public func push(_ value: Int64) { lua_pushinteger(state, lua_Integer(value)) }
    public func push(_ value: Int) { lua_pushinteger(state, lua_Integer(value)) }
    public func push(_ value: Double) { lua_pushnumber(state, value) }

    public func push(_ value: String) {
        var copy = value
        copy.withUTF8 { push(bytes: $0) }
    }

    public func push(bytes: UnsafeBufferPointer<UInt8>) {
        _ = bytes.withMemoryRebound(to: CChar.self) { lua_pushlstring(state, $0.baseAddress, $0.count) }
    }

    public func push(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { push(bytes: $0) }
    }

    public func pushValue(at index: Int32) { lua_pushvalue(state, index) }

    public func newTable(arrayCapacity: Int32 = 0, recordCapacity: Int32 = 0) {
        lua_createtable(state, arrayCapacity, recordCapacity)
    }

    /// Pushes a new sequence {items[1], ..., items[n]}, each pushed by `pushItem`.
    public func push<Item>(sequence items: [Item], _ pushItem: (Item) -> Void) {
        newTable(arrayCapacity: Int32(clamping: items.count))
        for (i, item) in items.enumerated() {
            pushItem(item)
            rawSet(-2, Int64(i + 1))
        }
    }

    /// Pushes a Swift function as a Lua function. See `LuaFunction` for the contract.
    public func push(function: @escaping LuaFunction) {
        SwiftFunctionBox.push(function, on: state)
    }

    /// Makes a table of `functions` the module `name`: `require(name)` returns it (nothing is
    /// left on the stack). The host's internal modules are built this way.
    func registerModule(_ name: String, functions: [(String, LuaFunction)]) {
        newTable(recordCapacity: Int32(functions.count))
        for (key, function) in functions {
            push(function: function)
            setField(-2, key)
        }
        _ = getGlobal("package")
        _ = getField(-1, "loaded")
        pushValue(at: -3)
        setField(-2, name)
        pop(3)
    }

    // MARK: Reading

    public func isNoneOrNil(_ index: Int32) -> Bool { tl_isnoneornil(state, index) != 0 }
    public func isInteger(_ index: Int32) -> Bool { tl_isinteger(state, index) != 0 }
    public func isTable(_ index: Int32) -> Bool { lua_type(state, index) == LUA_TTABLE }

    public func toBool(_ index: Int32) -> Bool { lua_toboolean(state, index) != 0 }

    /// The bytes of the string (or number, converted in place as Lua does) at `index`.
    public func toBytes(_ index: Int32) -> UnsafeBufferPointer<UInt8>? {
        var length = 0
        guard let pointer = lua_tolstring(state, index, &length) else { return nil }
        return UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: length)
    }

    /// The string at `index` decoded as UTF-8 (invalid bytes repaired), or nil for non-strings.
    public func toString(_ index: Int32) -> String? {
        let t = lua_type(state, index)
        guard t == LUA_TSTRING || t == LUA_TNUMBER else { return nil }
        return toBytes(index).map { String(decoding: $0, as: UTF8.self) }
    }

    public func toInteger(_ index: Int32) -> Int64? {
        var isNumber: Int32 = 0
        let value = lua_tointegerx(state, index, &isNumber)
        return isNumber != 0 ? Int64(value) : nil
    }

    public func toNumber(_ index: Int32) -> Double? {
        var isNumber: Int32 = 0
        let value = lua_tonumberx(state, index, &isNumber)
        return isNumber != 0 ? value : nil
    }

    /// `tostring(v)` as Lua's own `tostring` computes it (honours `__tostring` and `__name`), run
    /// protected: a `__tostring` that fails gives "(error object is a T value)", never a crash.
    public func describe(_ index: Int32) -> String {
        var length = 0
        let pointer = tl_tostring_protected(state, index, &length)
        let text = pointer.map {
            String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self)
        } ?? "?"
        pop()
        return text
    }

    /// The text of the error value at `index`, as lua.c reports it: the one the traceback handler
    /// made when the error was raised, else `describe`, and "(error object is a T value)" for a
    /// value with no text of its own.
    func errorText(at index: Int32) -> String {
        let index = absolute(index)
        let kind = type(at: index)
        if kind != LUA_TSTRING && kind != LUA_TNUMBER && luaL_getmetafield(state, index, "__tostring") == LUA_TNIL {
            return "(error object is a \(typeName(at: index)) value)"
        }
        if kind != LUA_TSTRING && kind != LUA_TNUMBER { pop() }
        if lua_getfield(state, tl_registryindex(), TL_ERROR_TEXTS) == LUA_TTABLE {
            pushValue(at: index)
            if lua_rawget(state, -2) == LUA_TSTRING, let text = toString(-1) {
                pop(2)
                return text
            }
            pop()
        }
        pop()
        return describe(index)
    }

    // MARK: Tables and globals

    /// Pushes `t[key]` for the table at `index` (metamethods apply); returns the value's type.
    @discardableResult
    public func getField(_ index: Int32, _ key: String) -> Int32 { lua_getfield(state, index, key) }

    /// `t[key] = v` where v is on top of the stack (popped).
    public func setField(_ index: Int32, _ key: String) { lua_setfield(state, index, key) }

    @discardableResult
    public func getGlobal(_ name: String) -> Int32 { lua_getglobal(state, name) }

    /// Sets global `name` to the value on top of the stack (popped).
    public func setGlobal(_ name: String) { lua_setglobal(state, name) }

    @discardableResult
    public func rawGet(_ index: Int32, _ n: Int64) -> Int32 { lua_rawgeti(state, index, lua_Integer(n)) }

    /// Pushes `t[k]` without metamethods, `k` the value on top of the stack (replaced).
    @discardableResult
    public func rawGet(_ index: Int32) -> Int32 { lua_rawget(state, index) }
    public func rawSet(_ index: Int32, _ n: Int64) { lua_rawseti(state, index, lua_Integer(n)) }
    public func rawLength(_ index: Int32) -> Int { Int(lua_rawlen(state, index)) }

    // MARK: Registry references

    /// Pops the top value and pins it in the registry; returns the reference.
    public func ref() -> Int32 { luaL_ref(state, tl_registryindex()) }
    public func unref(_ ref: Int32) { luaL_unref(state, tl_registryindex(), ref) }
    public func pushRef(_ ref: Int32) { lua_rawgeti(state, tl_registryindex(), lua_Integer(ref)) }

    // MARK: Errors

    /// An error for a Swift function to throw about its argument `n`, worded as luaL_argerror.
    public func argumentError(_ n: Int32, _ message: String) -> LuaError {
        LuaError.raise("bad argument #\(n) (\(message))")
    }

    /// The string argument `n`, or an argument error naming what was given.
    public func checkString(_ n: Int32) throws -> String {
        guard lua_type(state, n) == LUA_TSTRING, let s = toString(n) else {
            throw argumentError(n, "string expected, got \(typeName(at: n))")
        }
        return s
    }

    public func checkTable(_ n: Int32) throws {
        guard isTable(n) else { throw argumentError(n, "table expected, got \(typeName(at: n))") }
    }
}
