/// What the word under the cursor is, worked out from the text before it (the pending lines
/// of the chunk and the current line): an expression, a key in the table argument of an API
/// call, or a string value of such a key.
enum CompletionContext: Equatable {
    /// A name or dotted path (`telnyx.phone_nu`, `s:up`).
    case expression
    /// A key of the table passed to `method`; `keyPath` names the nested tables entered so far
    /// (`["filter"]` inside `filter = {`; `"[]"` for an array element).
    case tableKey(method: String, keyPath: [String])
    /// Inside a string given as the value of `keyPath` (its last element is the key).
    case stringValue(method: String, keyPath: [String])
    /// Somewhere nothing can be completed (a comment, a string that is not a parameter value).
    case nothing

    /// Analyses `before`, the text that precedes the word being completed.
    /// `isAPIMethod` tells whether a dotted name (`phone_numbers.list`) is an API method.
    static func analyse(_ before: String, isAPIMethod: (String) -> Bool) -> CompletionContext {
        let lexer = LuaLexer(before)
        if lexer.endsInComment { return .nothing }
        let tokens = lexer.tokens
        var frames: [Frame] = []
        for (i, token) in tokens.enumerated() where token.kind == .symbol {
            switch token.text {
            case "(":
                frames.append(Frame(bracket: "(", callee: calleePath(tokens, before: i), table: nil))
            case "{":
                frames.append(Frame(bracket: "{", callee: nil, table: tableIdentity(tokens, i, frames, isAPIMethod)))
            case "[":
                frames.append(Frame(bracket: "[", callee: nil, table: nil))
            case ")", "}", "]":
                if !frames.isEmpty { frames.removeLast() }
            default:
                break
            }
        }
        guard let frame = frames.last, frame.bracket == "{", let table = frame.table else {
            return lexer.openString == nil ? .expression : .nothing
        }
        if let open = lexer.openString {
            // Only `key = "...` directly: the string's quote is the text's last token boundary.
            let before = tokens.filter { $0.range.upperBound <= open.start }
            guard let last = before.indices.last, before[last].isSymbol("="),
                let key = key(endingAt: last, before) else { return .nothing }
            return .stringValue(method: table.method, keyPath: table.keyPath + [key])
        }
        guard let last = tokens.last else { return .expression }
        if last.isSymbol("{") || last.isSymbol(",") || last.isSymbol(";") {
            return .tableKey(method: table.method, keyPath: table.keyPath)
        }
        return .expression
    }

    /// The key assigned by the `=` at token `equals`: `key = ` or the API's dotted filters in
    /// the form completion writes them, `["voice.connection_name"] = `.
    private static func key(endingAt equals: Int, _ tokens: [LuaLexer.Token]) -> String? {
        if equals >= 1, tokens[equals - 1].kind == .name { return tokens[equals - 1].text }
        guard equals >= 3, tokens[equals - 1].isSymbol("]"), tokens[equals - 3].isSymbol("["),
            tokens[equals - 2].kind == .string, tokens[equals - 2].text.count >= 2 else { return nil }
        return String(tokens[equals - 2].text.dropFirst().dropLast())
    }

    /// An open bracket and, for `(`, the dotted path called; for `{`, which API table it is.
    private struct Frame {
        let bracket: String
        let callee: [String]?
        let table: (method: String, keyPath: [String])?
    }

    /// The dotted path (`telnyx.phone_numbers.list`) that ends just before token `index`.
    private static func calleePath(_ tokens: [LuaLexer.Token], before index: Int) -> [String]? {
        var path: [String] = []
        var i = index - 1
        while i >= 0, tokens[i].kind == .name {
            path.insert(tokens[i].text, at: 0)
            guard i >= 1, tokens[i - 1].isSymbol(".") else { break }
            i -= 2
        }
        return path.isEmpty ? nil : path
    }

    /// Which API table a `{` at `index` opens: the argument of `telnyx.x.y{`, an argument of
    /// `telnyx.x.y(..., {`, or a nested table (`key = {`, array element) of one of those.
    private static func tableIdentity(_ tokens: [LuaLexer.Token], _ index: Int, _ frames: [Frame],
                                      _ isAPIMethod: (String) -> Bool) -> (method: String, keyPath: [String])? {
        func method(_ path: [String]?) -> String? {
            guard let path, path.count >= 3, path[0] == "telnyx" else { return nil }
            let name = path.dropFirst().joined(separator: ".")
            return isAPIMethod(name) ? name : nil
        }
        if let direct = method(calleePath(tokens, before: index)) { return (direct, []) }
        guard index > 0, let enclosing = frames.last else { return nil }
        let previous = tokens[index - 1]
        if enclosing.bracket == "(", previous.isSymbol("(") || previous.isSymbol(","),
            let called = method(enclosing.callee) {
            return (called, [])
        }
        guard enclosing.bracket == "{", let outer = enclosing.table else { return nil }
        if previous.isSymbol("="), let key = key(endingAt: index - 1, tokens) {
            return (outer.method, outer.keyPath + [key])
        }
        if previous.isSymbol("{") || previous.isSymbol(",") || previous.isSymbol(";") {
            return (outer.method, outer.keyPath + ["[]"])
        }
        return nil
    }
}
