#if canImport(Glibc)
import Glibc
#endif

/// `telnyx.terminal.isatty(fd)` and `telnyx.terminal.columns()`: what scripts need to decide
/// whether to draw progress bars and how wide a table may be, without starting a shell.
enum TerminalLibrary {
    /// Adds `terminal` to the table on top of the stack (the `telnyx` table).
    static func install(into lua: Lua) {
        lua.newTable()
        lua.push(function: { lua in
            let fd = lua.toInteger(1) ?? 1
            guard (0...2).contains(fd) else { throw lua.argumentError(1, "0, 1 or 2 expected") }
            lua.push(isatty(Int32(fd)) != 0)
            return 1
        })
        lua.setField(-2, "isatty")
        lua.push(function: { lua in
            lua.push(columns())
            return 1
        })
        lua.setField(-2, "columns")
        lua.setField(-2, "terminal")
    }

    /// The width of the terminal on stdout (or stderr), else COLUMNS, else 100.
    static func columns() -> Int {
        var size = winsize()
        for fd: Int32 in [1, 2] where ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 {
            return Int(size.ws_col)
        }
        if let raw = getenv("COLUMNS"), let n = Int(String(cString: raw)), n > 0 { return n }
        return 100
    }
}
