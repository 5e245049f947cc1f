import CLua
import LuaShims
import Telnyx

/// Checks Lua values against the catalog's schemas before anything is sent, so that a typo or a
/// wrong type fails at once with a message naming the method and the parameter:
/// `phone_numbers.list: unknown parameter 'filter.tagg' (did you mean 'filter.tag'?)`.
struct ParameterChecker {
    let lua: Lua
    /// The method's full name, the first words of every message.
    let method: String

    struct Failure: Error { let message: String }

    func fail(_ message: String) -> Failure { Failure(message: "\(method): \(message)") }

    /// Checks the value at `index` (absolute) against `schema`; `name` is its dotted path.
    func check(_ index: Int32, against schema: Schema, name: String, depth: Int = 0) throws(Failure) {
        if schema.types.contains(.any) || schema.types.isEmpty || depth > 16 { return }
        let luaType = lua.type(at: index)
        if schema.format == "binary" && luaType == LUA_TTABLE {
            return  // a file (telnyx.file{...}) for an upload field; MultipartFields reads it
        }
        if luaType == LUA_TUSERDATA && LuaBridgeRegistry.isNull(lua, index) {
            return  // null clears a field; the API decides whether that field may be cleared
        }
        guard let matched = matchingType(at: index, luaType: luaType, schema: schema) else {
            throw fail("parameter '\(name)' must be \(describe(schema.types)), got \(describeValue(at: index))")
        }
        if let allowed = schema.enumValues, !allowed.isEmpty, let value = scalar(at: index) {
            if !allowed.contains(value) && !(value.intValue != nil && allowed.contains(.double(Double(value.intValue!)))) {
                let list = allowed.prefix(12).map(\.jsonString).joined(separator: ", ")
                let near = value.stringValue.flatMap { given in
                    Suggestions.closest(to: given, in: allowed.compactMap(\.stringValue))
                }.map { " (did you mean \"\($0)\"?)" } ?? ""
                throw fail("parameter '\(name)' must be one of \(list)\(allowed.count > 12 ? ", ..." : ""); got \(value.jsonString)\(near)")
            }
        }
        switch matched {
        case .object: try checkObject(index, schema: schema, name: name, depth: depth)
        case .array:
            guard let items = schema.items else { return }
            let count = lua.rawLength(index)
            guard count > 0 else { return }
            for i in 1...count {
                lua.rawGet(index, Int64(i))
                defer { lua.pop() }
                try check(lua.absolute(-1), against: items, name: "\(name)[\(i)]", depth: depth + 1)
            }
        default: return
        }
    }

    /// Checks the members of an object against the schema's properties and required names.
    func checkObject(_ index: Int32, schema: Schema, name: String, depth: Int) throws(Failure) {
        let prefix = name.isEmpty ? "" : name + "."
        var present = Set<String>()
        lua.pushNil()
        while lua_next(lua.state, index) != 0 {
            guard lua.type(at: -2) == LUA_TSTRING, let key = lua.toString(-2) else {
                lua.pop(2)
                throw fail("parameter '\(name)' has a \(lua.typeName(at: -2)) key; parameter names are strings")
            }
            present.insert(key)
            if let property = schema.properties[key] {
                do {
                    try check(lua.absolute(-1), against: property, name: prefix + key, depth: depth + 1)
                } catch {
                    lua.pop(2)
                    throw error
                }
            } else if !schema.additional && !schema.properties.isEmpty {
                lua.pop(2)
                throw unknown(prefix + key, candidates: schema.propertyNames.map { prefix + $0 })
            }
            lua.pop()
        }
        let missing = schema.required.sorted().filter { !present.contains($0) }.map { "'\(prefix + $0)'" }
        if !missing.isEmpty {
            throw fail("missing required parameter\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", "))")
        }
    }

    /// An unknown-parameter failure with the closest known name, if one is close.
    func unknown(_ name: String, candidates: [String]) -> Failure {
        if let best = Suggestions.closest(to: name, in: candidates) {
            return fail("unknown parameter '\(name)' (did you mean '\(best)'?)")
        }
        return fail("unknown parameter '\(name)'")
    }

    // MARK: Types

    private func matchingType(at index: Int32, luaType: Int32, schema: Schema) -> SchemaType? {
        let types = schema.types
        switch luaType {
        case LUA_TSTRING:
            return types.contains(.string) ? .string : nil
        case LUA_TBOOLEAN:
            return types.contains(.boolean) ? .boolean : nil
        case LUA_TNUMBER:
            if lua.isInteger(index) {
                if types.contains(.integer) { return .integer }
                return types.contains(.number) ? .number : nil
            }
            return types.contains(.number) ? .number : nil
        case LUA_TTABLE:
            switch tableShape(at: index) {
            case .empty:
                if types.contains(.array) { return .array }
                return types.contains(.object) ? .object : nil
            case .array: return types.contains(.array) ? .array : nil
            case .object: return types.contains(.object) ? .object : nil
            case .mixed: return nil
            }
        default:
            return nil
        }
    }

    private enum TableShape { case empty, array, object, mixed }

    private func tableShape(at index: Int32) -> TableShape {
        var strings = false, others = false
        lua.pushNil()
        while lua_next(lua.state, index) != 0 {
            lua.pop()
            if lua.type(at: -1) == LUA_TSTRING { strings = true } else { others = true }
        }
        switch (strings, others) {
        case (false, false): return LuaBridgeRegistry.isMarkedArray(lua, index) ? .array : .empty
        case (true, false): return .object
        case (false, true): return .array
        case (true, true): return .mixed
        }
    }

    /// The value as a JSON scalar, for enum checks; nil for tables and the like.
    private func scalar(at index: Int32) -> JSONValue? {
        switch lua.type(at: index) {
        case LUA_TSTRING: return .string(lua.toString(index)!)
        case LUA_TBOOLEAN: return .bool(lua.toBool(index))
        case LUA_TNUMBER: return lua.isInteger(index) ? .int(lua.toInteger(index)!) : .double(lua.toNumber(index)!)
        default: return nil
        }
    }

    private func describe(_ types: [SchemaType]) -> String {
        let words = types.map { type -> String in
            switch type {
            case .integer: return "an integer"
            case .object: return "an object (a table with string keys)"
            case .array: return "an array (a list)"
            case .any: return "any value"
            default: return "a \(type.rawValue)"
            }
        }
        return words.count <= 1 ? (words.first ?? "a value") : words.dropLast().joined(separator: ", ") + " or " + words.last!
    }

    private func describeValue(at index: Int32) -> String {
        switch lua.type(at: index) {
        case LUA_TNUMBER: return lua.isInteger(index) ? "integer \(lua.toInteger(index)!)" : "number \(lua.toNumber(index)!)"
        case LUA_TSTRING:
            let text = lua.toString(index)!
            return "string \"\(text.count > 40 ? String(text.prefix(40)) + "..." : text)\""
        case LUA_TTABLE:
            switch tableShape(at: index) {
            case .array: return "an array"
            case .object: return "an object"
            case .mixed: return "a table with mixed keys"
            case .empty: return "an empty table"
            }
        default: return lua.typeName(at: index)
        }
    }
}

/// "Did you mean" suggestions by edit distance.
enum Suggestions {
    /// The candidate closest to `word`, if it is close enough to be a likely typo.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let target = Array(word.lowercased().utf8)
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(target, Array(candidate.lowercased().utf8))
            if d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        guard let (name, d) = best else { return nil }
        return d <= max(2, target.count / 3) ? name : nil
    }

    /// Levenshtein distance between two byte strings.
    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
