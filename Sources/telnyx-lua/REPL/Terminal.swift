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
