/// A forgiving Lua 5.4 tokenizer for the REPL's own text analysis: finding top-level `local`
/// declarations and working out what the cursor is in for completion. It never fails: an
/// unterminated string or comment ends the token list and is reported in `openString`.
struct LuaLexer {
    /// One token: its kind, its text and where it sits in the source (UTF-8 offsets).
    struct Token: Equatable {
        enum Kind: Equatable {
            case name, keyword, number, string, symbol
        }

        let kind: Kind
        let text: String
        let range: Range<Int>

        func isSymbol(_ s: String) -> Bool { kind == .symbol && text == s }
        func isKeyword(_ s: String) -> Bool { kind == .keyword && text == s }
    }

    /// Where an unterminated quoted string began (its quote character's offset) and what it
    /// holds so far; nil when the text ends outside a string.
    struct OpenString: Equatable {
        let start: Int
        let contents: String
    }

    static let keywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
        "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]

    private(set) var tokens: [Token] = []
    private(set) var openString: OpenString?
    /// True when the text ends inside a comment (nothing to complete there).
    private(set) var endsInComment = false

    private let bytes: [UInt8]
    private var position = 0

    init(_ source: String) {
        bytes = Array(source.utf8)
        run()
    }

    private mutating func run() {
        while position < bytes.count {
            let c = bytes[position]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { position += 1; continue }
            if c == UInt8(ascii: "-"), peek(1) == UInt8(ascii: "-") {
                if !skipComment() { endsInComment = true; return }
                continue
            }
            let start = position
            if isNameStart(c) {
                while position < bytes.count, isNameByte(bytes[position]) { position += 1 }
                let text = slice(start, position)
                add(Self.keywords.contains(text) ? .keyword : .name, start)
            } else if isDigit(c) || (c == UInt8(ascii: ".") && peek(1).map(isDigit) == true) {
                scanNumber()
                add(.number, start)
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                guard scanQuoted(quote: c) else {
                    openString = OpenString(start: start, contents: slice(start + 1, bytes.count))
                    return
                }
                add(.string, start)
            } else if c == UInt8(ascii: "["), let level = longBracketLevel() {
                guard skipLongBracket(level: level) else {
                    openString = OpenString(start: start, contents: "")
                    return
                }
                add(.string, start)
            } else {
                scanSymbol()
                add(.symbol, start)
            }
        }
    }

    private mutating func add(_ kind: Token.Kind, _ start: Int) {
        tokens.append(Token(kind: kind, text: slice(start, position), range: start..<position))
    }

    private func slice(_ from: Int, _ to: Int) -> String {
        String(decoding: bytes[from..<to], as: UTF8.self)
    }

    private func peek(_ offset: Int) -> UInt8? {
        position + offset < bytes.count ? bytes[position + offset] : nil
    }

    private func isNameStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c >= 0x80
    }

    private func isNameByte(_ c: UInt8) -> Bool { isNameStart(c) || isDigit(c) }
    private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// Skips `--...` to the end of the line or a long comment; false when a long comment is
    /// still open at the end of the text.
    private mutating func skipComment() -> Bool {
        position += 2
        if position < bytes.count, bytes[position] == UInt8(ascii: "["), let level = longBracketLevel() {
            return skipLongBracket(level: level)
        }
        while position < bytes.count, bytes[position] != 0x0A { position += 1 }
        // A line comment running to the end of the text still "ends in a comment".
        return position < bytes.count
    }

    /// At `[`: the level of `[==[` (number of `=`), or nil when this is not a long bracket.
    private func longBracketLevel() -> Int? {
        var p = position + 1
        var level = 0
        while p < bytes.count, bytes[p] == UInt8(ascii: "=") { level += 1; p += 1 }
        return p < bytes.count && bytes[p] == UInt8(ascii: "[") ? level : nil
    }

    /// Skips a long bracket of `level`; false when its closing bracket never comes.
    private mutating func skipLongBracket(level: Int) -> Bool {
        position += level + 2
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "]") {
                var p = position + 1
                var count = 0
                while p < bytes.count, bytes[p] == UInt8(ascii: "=") { count += 1; p += 1 }
                if count == level, p < bytes.count, bytes[p] == UInt8(ascii: "]") {
                    position = p + 1
                    return true
                }
            }
            position += 1
        }
        return false
    }

    /// Skips a quoted string with escapes; false when the line or text ends first.
    private mutating func scanQuoted(quote: UInt8) -> Bool {
        position += 1
        while position < bytes.count {
            let c = bytes[position]
            if c == quote { position += 1; return true }
            if c == 0x0A { return false }
            position += c == UInt8(ascii: "\\") ? 2 : 1
        }
        return false
    }

    private mutating func scanNumber() {
        // Good enough for token boundaries: digits, hex, fractions and exponents with signs.
        while position < bytes.count {
            let c = bytes[position]
            if (c == UInt8(ascii: "+") || c == UInt8(ascii: "-")),
                let previous = position > 0 ? bytes[position - 1] : nil,
                [UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "p"), UInt8(ascii: "P")].contains(previous) {
                position += 1
            } else if isNameByte(c) || c == UInt8(ascii: ".") {
                position += 1
            } else {
                break
            }
        }
    }

    private mutating func scanSymbol() {
        let three = ["..."]
        let two = ["==", "~=", "<=", ">=", "//", "::", "<<", ">>", ".."]
        for candidate in three + two where matches(candidate) {
            position += candidate.utf8.count
            return
        }
        position += 1
    }

    private func matches(_ symbol: String) -> Bool {
        let s = Array(symbol.utf8)
        guard position + s.count <= bytes.count else { return false }
        return Array(bytes[position..<position + s.count]) == s
    }
}
