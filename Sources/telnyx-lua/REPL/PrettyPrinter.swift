import CLua
import LuaShims
import TelnyxLua

/// Renders REPL results: tables nested with sorted keys, short tables on one line, scalar
/// arrays packed to the terminal width, cycles marked, depth/length limits, long strings cut,
/// `telnyx.null` as `null`, paginators as a summary (never fetched), and values with a
/// `__tostring` through `tostring`.
struct PrettyPrinter {
    let lua: Lua
    let palette: Palette
    /// Columns available.
    var width: Int
    /// Tables deeper than this print as `{...}`.
    var maxDepth = 6
    /// Entries shown per table before `... (n more)`.
    var maxEntries = 60
    /// Calls `tostring` on the value at the given index, protected; nil when it failed.
    let protectedToString: (Int32) -> String?

    /// The value at `index` as the REPL shows a result (may span lines).
    func render(_ index: Int32) -> String {
        var path: Set<UnsafeRawPointer> = []
        return render(lua.absolute(index), column: 0, indent: 0, depth: 0, path: &path, trailer: 0)
    }

    /// The longest string shown whole (a result of one string, or a word in a record).
    private var wholeStringLimit: Int { max(width * 20, 2000) }

    /// `trailer`: columns that follow the value on its last line (the `,` after an entry), so
    /// that a value drawn on one line ends at the terminal's last column, not one past it.
    private func render(_ index: Int32, column: Int, indent: Int, depth: Int,
                        path: inout Set<UnsafeRawPointer>, trailer: Int) -> String {
        guard lua_type(lua.state, index) == LUA_TTABLE, !hasCustomText(index) else {
            return scalar(index, stringLimit: wholeStringLimit)
        }
        let pointer = lua_topointer(lua.state, index)!
        if path.contains(pointer) { return palette.paint("<cycle>", palette.dim) }
        if depth >= maxDepth { return palette.paint("{...}", palette.dim) }
        if let flat = flat(index, budget: width - column - trailer, path: path, depth: depth) { return flat }
        path.insert(pointer)
        defer { path.remove(pointer) }
        let entries = TableEntries(lua, index, limit: maxEntries)
        let inner = String(repeating: " ", count: indent + 2)
        if entries.isScalarArray {
            return packed(entries, index: index, indent: indent)
        }
        var lines: [String] = []
        for entry in entries.keys {
            let key = entry.label
            lua.pushKeyedValue(index, entry)
            if lua_type(lua.state, -1) == LUA_TSTRING {
                lines += stringEntry(-1, key: key, indent: indent + 2)
            } else {
                let value = render(lua.absolute(-1), column: indent + 2 + key.count, indent: indent + 2,
                                   depth: depth + 1, path: &path, trailer: 1)
                lines.append(inner + key + value + ",")
            }
            lua.pop()
        }
        if entries.omitted > 0 {
            lines.append(inner + palette.paint("... (\(entries.omitted) more)", palette.dim))
        }
        return "{\n" + lines.joined(separator: "\n") + "\n" + String(repeating: " ", count: indent) + "}"
    }

    /// One-line form of the value within `budget` columns, or nil when it does not fit.
    /// `budget` counts visible characters; colour codes are not counted. `depth` is the
    /// value's own nesting level, so tables past `maxDepth` show `{...}` here too.
    private func flat(_ index: Int32, budget: Int, path: Set<UnsafeRawPointer>, depth: Int) -> String? {
        var visible = 0
        let text = flatText(index, budget: budget, path: path, depth: depth, visible: &visible)
        return text != nil && visible <= budget ? text : nil
    }

    private func flatText(_ index: Int32, budget: Int, path: Set<UnsafeRawPointer>, depth: Int,
                          visible: inout Int) -> String? {
        let index = lua.absolute(index)
        if lua_type(lua.state, index) == LUA_TSTRING {
            // Never cut to make a line fit: a table whose strings do not fit whole is drawn on
            // several lines, where each string gets a line's room (stringEntry).
            let length = Int(lua_rawlen(lua.state, index))
            guard length <= (budget - visible) * 4 else { return nil }
            // A limit no escaping can reach (each byte takes at most 4 columns): never cut here.
            let text = scalar(index, stringLimit: length * 4 + 2)
            visible += visibleWidth(text)
            return visible <= budget ? text : nil
        }
        guard lua_type(lua.state, index) == LUA_TTABLE, !hasCustomText(index) else {
            let text = scalar(index, stringLimit: wholeStringLimit)
            visible += visibleWidth(text)
            return text
        }
        let pointer = lua_topointer(lua.state, index)!
        if path.contains(pointer) {
            visible += "<cycle>".count
            return palette.paint("<cycle>", palette.dim)
        }
        if depth >= maxDepth {
            visible += "{...}".count
            return palette.paint("{...}", palette.dim)
        }
        var path = path
        path.insert(pointer)
        let entries = TableEntries(lua, index, limit: maxEntries)
        if entries.omitted > 0 { return nil }
        if entries.keys.isEmpty && lua.isMarkedArray(index) {
            // Not `{}`: it encodes as [] (telnyx.array()), and should read as what it is.
            visible += "telnyx.array()".count
            return palette.paint("telnyx.array()", palette.dim)
        }
        var parts: [String] = []
        visible += 2
        for entry in entries.keys {
            let key = entry.label
            visible += key.count + (parts.isEmpty ? 0 : 2)
            lua.pushKeyedValue(index, entry)
            let value = flatText(-1, budget: budget, path: path, depth: depth + 1, visible: &visible)
            lua.pop()
            guard let value, visible <= budget else { return nil }
            parts.append(key + value)
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    /// An array of scalars too long for one line, packed several items a line.
    private func packed(_ entries: TableEntries, index: Int32, indent: Int) -> String {
        let inner = String(repeating: " ", count: indent + 2)
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        for entry in entries.keys {
            lua.pushKeyedValue(index, entry)
            let item = (isWord(-1) ? scalar(-1, stringLimit: wholeStringLimit)
                : scalar(-1, stringLimit: max(width - indent - 3, 16))) + ","
            lua.pop()
            let itemWidth = visibleWidth(item)
            if !line.isEmpty, indent + 2 + lineWidth + 1 + itemWidth > width {
                lines.append(inner + line)
                line = ""
                lineWidth = 0
            }
            line += (line.isEmpty ? "" : " ") + item
            lineWidth += (lineWidth == 0 ? 0 : 1) + itemWidth
        }
        if !line.isEmpty { lines.append(inner + line) }
        if entries.omitted > 0 { lines.append(inner + palette.paint("... (\(entries.omitted) more)", palette.dim)) }
        return "{\n" + lines.joined(separator: "\n") + "\n" + String(repeating: " ", count: indent) + "}"
    }

    /// A string entry of a multi-line table (`key = "value",`), as lines. The string is whole on
    /// the key's line when it fits, else whole on the next line (two columns further in) when it
    /// fits there. A word (an id, a UUID, a date: no spaces, at most 256 bytes) is never cut,
    /// since a cut id is useless: on a narrow terminal it moves left on its line until it fits.
    /// Longer text is cut, with its length, to the room a line has.
    private func stringEntry(_ index: Int32, key: String, indent: Int) -> [String] {
        let index = lua.absolute(index)
        let pad = String(repeating: " ", count: indent)
        let sameLine = width - indent - key.count - 1
        let nextLine = width - indent - 3
        let whole = scalar(index, stringLimit: wholeStringLimit)
        let wholeWidth = visibleWidth(whole)
        // `key =` with the value on the line below (the label's trailing space dropped).
        let keyLine = pad + key.trimmingSuffix(" ")
        if wholeWidth <= sameLine { return [pad + key + whole + ","] }
        if !key.isEmpty && wholeWidth <= nextLine { return [keyLine, pad + "  " + whole + ","] }
        if isWord(index) {
            // Whole on a line of its own, as far in as it fits; wider than the terminal, it
            // stays on the key's line and the terminal wraps it.
            let room = width - wholeWidth - 1
            if key.isEmpty || room < 0 { return [pad + key + whole + ","] }
            return [keyLine, String(repeating: " ", count: min(room, indent + 2)) + whole + ","]
        }
        if key.isEmpty || sameLine >= 24 {
            return [pad + key + scalar(index, stringLimit: max(sameLine, 16)) + ","]
        }
        return [keyLine, pad + "  " + scalar(index, stringLimit: max(nextLine, 16)) + ","]
    }

    /// Whether the value at `index` is a string that reads as one word (an id, a UUID, a
    /// timestamp, a URL): no space or control bytes, at most 256 bytes.
    private func isWord(_ index: Int32) -> Bool {
        guard lua_type(lua.state, index) == LUA_TSTRING, let bytes = lua.toBytes(index) else { return false }
        return bytes.count <= 256 && bytes.allSatisfy { $0 > 0x20 && $0 != 0x7F }
    }

    /// Whether a table prints as text rather than as its fields: a paginator, or a value whose
    /// metatable has `__tostring` (an error object, say).
    private func hasCustomText(_ index: Int32) -> Bool {
        if lua.metaString(index, "__name") == "telnyx.Paginator" { return true }
        lua.pushMetaField(index, "__tostring")
        defer { lua.pop() }
        return !lua.isNoneOrNil(-1)
    }

    /// Anything but a plain table, on one line.
    func scalar(_ index: Int32, stringLimit: Int) -> String {
        let index = lua.absolute(index)
        switch lua_type(lua.state, index) {
        case LUA_TNIL: return palette.paint("nil", palette.constant)
        case LUA_TBOOLEAN: return palette.paint(lua.toBool(index) ? "true" : "false", palette.constant)
        case LUA_TNUMBER:
            // Lua's own conversion of a copy: integers as integers, floats as %.14g (1.0, 1e+100).
            lua.pushValue(at: index)
            defer { lua.pop() }
            return palette.paint(lua.toString(-1) ?? "?", palette.number)
        case LUA_TSTRING:
            return palette.paint(LuaStringLiteral.quote(lua.toBytes(index) ?? .init(start: nil, count: 0), limit: stringLimit), palette.string)
        default:
            if lua.isTelnyxNull(index) { return palette.paint("null", palette.constant) }
            if lua.metaString(index, "__name") == "telnyx.Paginator" { return paginator(index) }
            lua.pushMetaField(index, "__tostring")
            let custom = !lua.isNoneOrNil(-1)
            lua.pop()
            if custom, let text = protectedToString(index) { return text }
            if lua_type(lua.state, index) == LUA_TFUNCTION, let name = Help.describedName(lua, at: index) {
                return palette.paint("<API method telnyx.\(name); help(it) describes it>", palette.function)
            }
            let kind = lua.typeName(at: index)
            let address = lua_topointer(lua.state, index).map { String(UInt(bitPattern: $0), radix: 16) } ?? "?"
            return palette.paint("\(kind): 0x\(address)", palette.function)
        }
    }

    /// `<paginator phone_numbers.list {filter = {tag = "x"}}: iterate to fetch>`, read with
    /// rawget so that nothing is fetched.
    private func paginator(_ index: Int32) -> String {
        lua.push("method")
        lua_rawget(lua.state, index)
        let method = lua.toString(-1) ?? "?"
        lua.pop()
        lua.push("params")
        lua_rawget(lua.state, index)
        defer { lua.pop() }
        var params = ""
        if lua.isTable(-1), TableEntries(lua, lua.absolute(-1), limit: 1).keys.count > 0 {
            let plain = PrettyPrinter(lua: lua, palette: Palette(enabled: false), width: 10_000,
                                      protectedToString: protectedToString)
            params = " " + plain.render(-1)
        }
        return palette.paint("<paginator \(method)\(params): iterate to fetch>", palette.function)
    }

    private func visibleWidth(_ text: String) -> Int { text.visibleWidth }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: Character) -> String {
        var s = self
        while s.last == suffix { s.removeLast() }
        return s
    }
}
