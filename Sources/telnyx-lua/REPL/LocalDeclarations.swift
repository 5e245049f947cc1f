/// Rewrites the top-level `local` statements of a REPL chunk so that the names outlive the
/// chunk: each becomes a call declaring the names in the REPL scope (see REPLScope) followed by
/// a plain assignment. Locals inside functions and blocks are left alone, so a multi-line
/// function keeps its own locals.
enum LocalDeclarations {
    /// The name the scope resolves to its declaring function (never a real global).
    static let declareFunction = "__telnyx_repl_declare"

    /// `text` with every top-level `local` rewritten, and the names declared, in order.
    static func rewrite(_ text: String) -> (code: String, names: [String]) {
        let tokens = LuaLexer(text).tokens
        var edits: [(range: Range<Int>, replacement: String)] = []
        var declared: [String] = []
        var depth = 0
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            if token.kind == .keyword {
                switch token.text {
                case "function", "do", "if", "repeat": depth += 1
                case "end", "until": depth = max(0, depth - 1)
                default: break
                }
            }
            guard depth == 0, token.isKeyword("local"), i + 1 < tokens.count else { i += 1; continue }
            if tokens[i + 1].isKeyword("function"), i + 2 < tokens.count, tokens[i + 2].kind == .name {
                // `local function f` -> `;declare("f"); function f`: f is then visible inside
                // its own body too, as with a real local function.
                let name = tokens[i + 2].text
                declared.append(name)
                edits.append((token.range, ";\(declareFunction)(\"\(name)\");"))
                i += 1
                continue
            }
            var names: [String] = []
            var j = i + 1
            while j < tokens.count, tokens[j].kind == .name {
                names.append(tokens[j].text)
                j += 1
                // Attributes (<const>, <close>) only mean something on real locals: dropped.
                if j + 2 < tokens.count, tokens[j].isSymbol("<"), tokens[j + 1].kind == .name,
                    tokens[j + 2].isSymbol(">") {
                    edits.append((tokens[j].range.lowerBound..<tokens[j + 2].range.upperBound, ""))
                    j += 3
                }
                guard j < tokens.count, tokens[j].isSymbol(",") else { break }
                j += 1
            }
            guard !names.isEmpty else { i += 1; continue }
            declared += names
            let call = ";\(declareFunction)(\(names.map { "\"\($0)\"" }.joined(separator: ",")));"
            if j < tokens.count, tokens[j].isSymbol("=") {
                edits.append((token.range, call))
            } else {
                // `local x, y` without values: the declaration alone (names start as nil).
                let end = tokens[j - 1].range.upperBound
                edits.removeAll { $0.range.lowerBound >= token.range.lowerBound && $0.range.upperBound <= end }
                edits.append((token.range.lowerBound..<end, call))
            }
            i = j
        }
        guard !edits.isEmpty else { return (text, []) }
        var bytes = Array(text.utf8)
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            bytes.replaceSubrange(edit.range, with: Array(edit.replacement.utf8))
        }
        return (String(decoding: bytes, as: UTF8.self), declared)
    }
}
