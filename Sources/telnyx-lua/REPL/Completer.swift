import CLua
import LuaShims
import Telnyx
import TelnyxLua
import TelnyxLua

/// Tab completion candidates: keywords, REPL locals and globals, fields of tables (through
/// `__index` tables), the whole `telnyx.` tree (catalog and actual fields, camelCase aliases
/// left out), parameter names inside an API call's table argument and enum values inside a
/// parameter's string. Reads Lua state only through LuaIntrospection, so it has no effects.
struct Completer {
    let lua: Lua
    let scope: REPLScope
    let catalog: Catalog

    /// Full replacements for `word` (each starts with `word`), sorted, given the text before it.
    func candidates(for word: String, before: String) -> [String] {
        // Inside a string, `-` breaks the word for the line editor ("purchase-f"): the enum value
        // is completed from the string's start, and the part before the word is taken off again.
        if let (opened, typed) = Self.stringInProgress(before), !typed.isEmpty {
            return candidates(for: typed + word, before: opened).compactMap {
                $0.hasPrefix(typed) ? String($0.dropFirst(typed.count)) : nil
            }
        }
        if Self.isHelpString(before) { return helpNames(word) }
        // The JavaScript SDK's camelCase path (telnyx.phoneNumbers.list{) names the same method.
        let method = { (typed: String) in catalog.method(named: Self.snakeCasePath(typed)) }
        let context = CompletionContext.analyse(before) { method($0) != nil }
        switch context {
        case .nothing:
            return []
        case .tableKey(let name, let keyPath):
            guard !word.contains(":"), let spec = method(name) else { return expression(word) }
            let keys = MethodParameters(spec).keys(at: keyPath).filter { $0.hasPrefix(word) }
            // `voice.c` is a dotted key being typed, or a value expression (a variable's field).
            if word.contains("."), keys.isEmpty { return expression(word) }
            // Keys first; a value expression (a variable) may also start here. A key that is no
            // Lua name (the API's dotted filters, `voice.connection_name`) completes to the form
            // Lua takes: ["voice.connection_name"] = .
            let entries = keys.map { isPlainName($0) ? $0 + " = " : "[\"\($0)\"] = " }
            return entries + (keys.isEmpty ? expression(word) : [])
        case .stringValue(let name, let keyPath):
            guard let spec = method(name) else { return [] }
            let quote = before.last(where: { $0 == "\"" || $0 == "'" }).map(String.init) ?? "\""
            return MethodParameters(spec).enumStrings(at: keyPath).filter { $0.hasPrefix(word) }.sorted()
                .map { $0 + quote }
        case .expression:
            if word.first == "." || word.first == ":", before.last == "]" { return indexed(word, before: before) }
            return expression(word)
        }
    }

    /// Fields after an indexed expression (`nums[1].` or `t["k"].na`, the word being `.na`):
    /// the value is found with raw reads of the tables already in memory (integer and plain
    /// string subscripts only; nothing is called), and its fields complete the word.
    private func indexed(_ word: String, before: String) -> [String] {
        let tokens = LuaLexer(before).tokens
        // The chain before the word, read backwards: `[literal]` and `.name` steps, then a name.
        var steps: [(key: String, integer: Int64?)] = []
        var i = tokens.count - 1
        var root: String?
        while i >= 0 {
            let token = tokens[i]
            if token.isSymbol("]"), i >= 2, tokens[i - 2].isSymbol("[") {
                let literal = tokens[i - 1]
                if literal.kind == .number, let n = Int64(literal.text) {
                    steps.insert((literal.text, n), at: 0)
                } else if literal.kind == .string, literal.text.count >= 2, !literal.text.contains("\\") {
                    steps.insert((String(literal.text.dropFirst().dropLast()), nil), at: 0)
                } else {
                    return []
                }
                i -= 3
            } else if token.kind == .name {
                if i >= 1, tokens[i - 1].isSymbol(".") {
                    steps.insert((token.text, nil), at: 0)
                    i -= 2
                } else {
                    root = token.text
                    break
                }
            } else {
                return []
            }
        }
        guard let root, !steps.isEmpty else { return [] }
        // The word: its separator-led path (`.a.b` or `.a:b`) and the partial name after it.
        let cut = word.lastIndex(where: { $0 == "." || $0 == ":" })!
        let middle = cut == word.startIndex ? []
            : word[word.index(after: word.startIndex)..<cut].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let separator = word[cut]
        let partial = String(word[word.index(after: cut)...])
        let top = lua.top
        defer { lua.top = top }
        scope.pushVariable(lua, root)
        for step in steps {
            if let n = step.integer {
                guard lua.isTable(-1) else { return [] }
                lua_rawgeti(lua.state, -1, lua_Integer(n))
                tl_remove(lua.state, -2)
            } else {
                lua.pushSafeField(-1, step.key)
                tl_remove(lua.state, -2)
            }
        }
        if !middle.isEmpty {
            guard middle.allSatisfy(isPlainName), lua.pushSafePath(middle, from: lua.absolute(-1)) != LUA_TNIL else { return [] }
        }
        var results: [String] = []
        for (name, type) in lua.safeFieldNames(-1) where name.hasPrefix(partial) && isPlainName(name) && !Self.isPrivate(name, typed: partial) {
            if separator == ":" && type != LUA_TFUNCTION { continue }
            results.append(String(word[...cut]) + name + (separator == ":" ? "" : suffix(type)))
        }
        return results.sorted()
    }

    /// Completions of a name or dotted path.
    private func expression(_ word: String) -> [String] {
        guard let cut = word.lastIndex(where: { $0 == "." || $0 == ":" }) else {
            var names = Set(LuaLexer.keywords.filter { $0.hasPrefix(word) })
            let top = lua.top
            defer { lua.top = top }
            for name in scope.localNames(lua) where name.hasPrefix(word) {
                scope.pushVariable(lua, name)
                names.insert(name + suffix(lua_type(lua.state, -1)))
                lua.pop()
            }
            tl_pushglobaltable(lua.state)
            for (name, type) in lua.safeFieldNames(-1) where name.hasPrefix(word) && isPlainName(name) {
                if name.hasPrefix("__telnyx") || Self.isPrivate(name, typed: word) { continue }
                names.insert(name + suffix(type))
            }
            return names.sorted()
        }
        let base = String(word[..<cut])
        let separator = word[cut]
        let partial = String(word[word.index(after: cut)...])
        let path = base.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard path.allSatisfy(isPlainName) else { return [] }
        var fields: [String: Int32] = [:]
        let top = lua.top
        defer { lua.top = top }
        scope.pushVariable(lua, path[0])
        let root = lua.absolute(-1)
        if lua.pushSafePath(Array(path.dropFirst()), from: root) != LUA_TNIL {
            for (name, type) in lua.safeFieldNames(-1) { fields[name] = type }
        }
        if path[0] == "telnyx", separator == "." {
            // Resource tables may be built lazily: the catalog knows them before they exist. The
            // JavaScript SDK's camelCase spellings work too: a camelCase partial gets camelCase
            // names, and a camelCase path finds its snake_case resource.
            let children = catalog.children(of: path.dropFirst().map(Self.snakeCase).joined(separator: "."))
            for resource in children.resources where fields[resource] == nil { fields[resource] = LUA_TTABLE }
            for method in children.methods where fields[method] == nil { fields[method] = LUA_TFUNCTION }
            // The spelling the user started with: a camelCase partial, or a camelCase step
            // already typed (`telnyx.phoneNumbers.<Tab>` lists `csvDownloads.`).
            let camel = partial.contains { $0.isUppercase } || path.contains(where: Self.isCamelCase)
            fields = Dictionary(fields.map { (camel ? Self.camelCase($0.key) : $0.key, $0.value) }
                .filter { camel || !Self.isCamelCase($0.0) }) { first, _ in first }
        }
        var results: [String] = []
        for (name, type) in fields where name.hasPrefix(partial) && isPlainName(name) && !Self.isPrivate(name, typed: partial) {
            if separator == ":" && type != LUA_TFUNCTION { continue }
            results.append(base + String(separator) + name + (separator == ":" ? "" : suffix(type)))
        }
        return results.sorted()
    }

    /// Names starting with `_` (metamethods, internals such as `telnyx._crypto`) are offered
    /// only once the user types the underscore.
    static func isPrivate(_ name: String, typed: String) -> Bool {
        name.hasPrefix("_") && !typed.hasPrefix("_")
    }

    /// The text up to an unclosed string's opening quote, and what was typed after it, when that
    /// is an enum value in progress broken by `-` (letters, digits, `_`, `.`, `-`; ends in `-`).
    static func stringInProgress(_ before: String) -> (String, String)? {
        guard before.last == "-", let quote = before.lastIndex(where: { $0 == "\"" || $0 == "'" }) else { return nil }
        let typed = before[before.index(after: quote)...]
        guard typed.allSatisfy({ $0.isLetter || $0.isNumber || "_.-".contains($0) }) else { return nil }
        // The quote opens a string only if the quotes before it are balanced.
        let quotes = before[..<quote].filter { $0 == before[quote] }.count
        guard quotes % 2 == 0 else { return nil }
        return (String(before[...quote]), String(typed))
    }

    /// Whether the cursor is inside the string argument of `help` (`help "pho`, `help('pho`).
    static func isHelpString(_ before: String) -> Bool {
        var text = Substring(before)
        guard let quote = text.last, quote == "\"" || quote == "'" else { return false }
        text = text.dropLast()
        while text.last == " " { text = text.dropLast() }
        if text.last == "(" { text = text.dropLast() }
        while text.last == " " { text = text.dropLast() }
        guard text.hasSuffix("help") else { return false }
        let start = text.dropLast(4)
        return start.last.map { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") } ?? true
    }

    /// Catalog names (resources and methods, dotted) for `help "..."`.
    private func helpNames(_ word: String) -> [String] {
        let snake = word.split(separator: ".", omittingEmptySubsequences: false).map { Self.snakeCase(String($0)) }
        let parent = snake.dropLast().joined(separator: ".")
        let partial = snake.last ?? ""
        let children = catalog.children(of: parent)
        let prefix = parent.isEmpty ? "" : parent + "."
        return (children.resources.map { prefix + $0 + "." } + children.methods.map { prefix + $0 })
            .filter { $0.hasPrefix(prefix + partial) }.sorted()
    }

    /// `phoneNumbers` -> `phone_numbers`.
    /// A dotted path with each part in snake_case (`phoneNumbers.slimList` -> `phone_numbers.slim_list`).
    static func snakeCasePath(_ path: String) -> String {
        path.split(separator: ".", omittingEmptySubsequences: false).map { snakeCase(String($0)) }.joined(separator: ".")
    }

    static func snakeCase(_ name: String) -> String {
        var out = ""
        for c in name {
            if c.isUppercase {
                if !out.isEmpty { out += "_" }
                out += c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// `phone_numbers` -> `phoneNumbers`.
    static func camelCase(_ name: String) -> String {
        var out = ""
        var upper = false
        for c in name {
            if c == "_" && !out.isEmpty {
                upper = true
            } else {
                out += upper ? c.uppercased() : String(c)
                upper = false
            }
        }
        return out
    }

    /// `.` after a table so that the next Tab goes on into it.
    private func suffix(_ type: Int32) -> String { type == LUA_TTABLE ? "." : "" }

    private func isPlainName(_ s: String) -> Bool { TableEntries.isIdentifier(s) }

    /// `phoneNumbers`-style aliases: a lower-case letter followed by an upper-case one.
    static func isCamelCase(_ name: String) -> Bool {
        var previousLower = false
        for c in name.utf8 {
            let upper = c >= 0x41 && c <= 0x5A
            if upper && previousLower { return true }
            previousLower = c >= 0x61 && c <= 0x7A
        }
        return false
    }
}
