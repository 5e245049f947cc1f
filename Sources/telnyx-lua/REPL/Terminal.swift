#if canImport(Glibc)
import Glibc
#endif

/// What the REPL needs to know about the terminal it writes to: its width and whether to colour.
enum Terminal {
    /// Columns of the terminal on stdout (TIOCGWINSZ), else `$COLUMNS`, else 80.
    static var width: Int {
        var size = winsize()
        // The request code is the untyped TIOCGWINSZ macro, which Swift does not import as an
        // ioctl argument on every platform, hence the cast.
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let text = getenv("COLUMNS"), let columns = Int(String(cString: text)), columns > 0 {
            return columns
        }
        return 80
    }

    /// The width to break text at on file descriptor `fd`: the terminal's, or no limit when
    /// `fd` is not a terminal (a transcript in a file or pipe keeps its lines whole).
    static func breakWidth(for fd: Int32 = 1) -> Int {
        isatty(fd) != 0 ? width : Int.max
    }

    /// Rows of the terminal on stdout, else `$LINES`, else 24.
    static var height: Int {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 { return Int(size.ws_row) }
        if let text = getenv("LINES"), let rows = Int(String(cString: text)), rows > 0 { return rows }
        return 24
    }

    /// Whether stdout is a terminal that may get ANSI colours: not when NO_COLOR is set to
    /// anything non-empty (no-color.org), nor on a `dumb` terminal.
    static var usesColor: Bool {
        guard isatty(1) != 0 else { return false }
        if let value = getenv("NO_COLOR"), value.pointee != 0 { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return true
    }

    /// Whether stdin is a terminal (the REPL only edits lines on one).
    static var inputIsTerminal: Bool { isatty(0) != 0 }
}

/// ANSI styles used by the printer, help and error messages; every one is empty without colour.
struct Palette {
    let string: String
    let number: String
    let constant: String
    let function: String
    let dim: String
    let heading: String
    let error: String
    let reset: String

    init(enabled: Bool) {
        func code(_ c: String) -> String { enabled ? "\u{1B}[\(c)m" : "" }
        string = code("32")
        number = code("36")
        constant = code("35")
        function = code("34")
        dim = code("2")
        heading = code("1")
        error = code("31")
        reset = code("0")
    }

    /// `text` in `style`, reset after.
    func paint(_ text: String, _ style: String) -> String {
        style.isEmpty ? text : style + text + reset
    }
}

extension String {
    /// Columns the text takes on the terminal: characters, colour codes (ESC ... m) not counted.
    var visibleWidth: Int {
        var count = 0
        var inEscape = false
        for scalar in unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
            } else {
                count += 1
            }
        }
        return count
    }

    /// The line broken at spaces into lines of at most `width` columns, continuation lines
    /// indented by `indent`; a word wider than that stays whole. Colour codes take no columns.
    func fitted(width: Int, indent: Int) -> [String] {
        guard visibleWidth > width, width - indent >= 16 else { return [self] }
        // Pieces: a word with the spaces after it.
        var pieces: [String] = []
        var piece = ""
        for character in self {
            if character != " ", piece.last == " " {
                pieces.append(piece)
                piece = ""
            }
            piece.append(character)
        }
        pieces.append(piece)
        var lines: [String] = []
        var current = ""
        for piece in pieces {
            let word = piece.droppingTrailingSpaces
            if current.contains(where: { $0 != " " }), (current + word).visibleWidth > width {
                lines.append(current.droppingTrailingSpaces)
                current = String(repeating: " ", count: indent)
            }
            current += piece
        }
        lines.append(current.droppingTrailingSpaces)
        return lines
    }

    private var droppingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
