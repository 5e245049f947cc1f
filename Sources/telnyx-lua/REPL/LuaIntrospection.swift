import CLua
import LuaShims
import TelnyxLua

/// Side-effect-free reading of Lua values for completion, help and printing: only raw reads
/// (`rawget`, `next`) and metatables' `__index` *tables* are followed; no function, metamethod
/// or API call ever runs, so pressing Tab can never send a request.
extension Lua {
    /// Pushes the raw metatable field `name` of the value at `index` (nil when there is none);
    /// returns its type.
    @discardableResult
    func pushMetaField(_ index: Int32, _ name: String) -> Int32 {
        let index = absolute(index)
        guard lua_getmetatable(state, index) != 0 else {
            pushNil()
            return LUA_TNIL
        }
        push(name)
        let type = lua_rawget(state, -2)
        tl_remove(state, -2)
        return type
    }

    /// The raw metatable field `name` of the value at `index` as a string, if it is one.
    func metaString(_ index: Int32, _ name: String) -> String? {
        pushMetaField(index, name)
        defer { pop() }
        return lua_type(state, -1) == LUA_TSTRING ? toString(-1) : nil
    }

    /// Pushes `value[key]` for the value at `index` using raw reads and `__index` tables only
    /// (at most 16 levels, so a metatable loop ends); pushes nil when not found that way.
    @discardableResult
    func pushSafeField(_ index: Int32, _ key: String) -> Int32 {
        pushValue(at: index)
        for _ in 0..<16 {
            if lua_type(state, -1) == LUA_TTABLE {
                push(key)
                if lua_rawget(state, -2) != LUA_TNIL {
                    tl_remove(state, -2)
                    return lua_type(state, -1)
                }
                pop()
            }
            pushMetaField(-1, "__index")
            tl_remove(state, -2)
            guard lua_type(state, -1) == LUA_TTABLE else { break }
        }
        pop()
        pushNil()
        return LUA_TNIL
    }

    /// Pushes the value a dotted path names (`telnyx.phone_numbers`) starting from the table at
    /// `root`, reading safely; nil when any step is missing or not indexable that way.
    @discardableResult
    func pushSafePath(_ path: [String], from root: Int32) -> Int32 {
        pushValue(at: root)
        for key in path {
            pushSafeField(-1, key)
            tl_remove(state, -2)
            if lua_type(state, -1) == LUA_TNIL { return LUA_TNIL }
        }
        return lua_type(state, -1)
    }

    /// The string keys of the value at `index` and of its `__index` tables (first found wins),
    /// each with the Lua type of its value.
    func safeFieldNames(_ index: Int32) -> [(name: String, type: Int32)] {
        var found: [(String, Int32)] = []
        var seen: Set<String> = []
        pushValue(at: index)
        for _ in 0..<16 {
            if lua_type(state, -1) == LUA_TTABLE {
                pushNil()
                while lua_next(state, -2) != 0 {
                    if lua_type(state, -2) == LUA_TSTRING, let name = toString(-2), !seen.contains(name) {
                        seen.insert(name)
                        found.append((name, lua_type(state, -1)))
                    }
                    pop()
                }
            }
            pushMetaField(-1, "__index")
            tl_remove(state, -2)
            guard lua_type(state, -1) == LUA_TTABLE else { break }
        }
        pop()
        return found
    }
}
