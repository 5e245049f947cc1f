#if canImport(Glibc)
import Glibc
#endif
import CLua
import LuaShims
import TelnyxLua

/// Evaluates REPL input: an expression prints its values (`return <input>` is tried first, as
/// lua.c does); statements run; a top-level `local` stays visible on later lines (REPLScope).
/// Results are pretty-printed and the first one is kept in the global `_`.
final class REPLSession {
    let host: TelnyxHost
    let scope: REPLScope
    var lua: Lua { host.vm.lua }
    /// The base library's `tostring`, kept so that a user redefining the global cannot break
    /// printing.
    private let tostringRef: Int32
    /// The base library's `print`: while the global is still it, results are pretty-printed;
    /// once a script replaces it, results go to the replacement, as lua.c sends them to `print`.
    private let printRef: Int32

    init(host: TelnyxHost) throws {
        self.host = host
        scope = try REPLScope(host: host)
        host.vm.lua.getGlobal("tostring")
        tostringRef = host.vm.lua.ref()
        lua_getfield(host.vm.lua.state, tl_registryindex(), LuaVM.originalPrintKey)
        printRef = host.vm.lua.ref()
    }

    /// True when `text` fails to compile only because it ends too early (Lua's `<eof>` rule).
    /// lua.c's shorthand, kept for 5.2 compatibility: `=expr` is `return expr`.
    static func expandingEquals(_ text: String) -> String {
        text.hasPrefix("=") ? "return " + text.dropFirst() : text
    }

    func isIncomplete(_ input: String) -> Bool {
        let text = Self.expandingEquals(input)
        let top = lua.top
        defer { lua.top = top }
        if compile("return " + text) == nil { return false }
        guard let message = compile(LocalDeclarations.rewrite(text).code) else { return false }
        return message.hasSuffix("<eof>")
    }

    /// Runs `text` and prints what it returned, or the error.
    func evaluate(_ input: String) {
        let text = Self.expandingEquals(input)
        let top = lua.top
        defer { lua.top = top }
        if compile("return " + text) != nil {
            if let message = compile(LocalDeclarations.rewrite(text).code) {
                printError(message, traceback: nil)
                return
            }
        }
        do {
            try host.vm.call(argumentCount: 0, resultCount: tl_multret())
        } catch let error as LuaError {
            printError(error.message, traceback: error.traceback)
            return
        } catch {
            printError("\(error)", traceback: nil)
            return
        }
        let count = lua.top - top
        guard count > 0 else { return }
        lua.pushValue(at: top + 1)
        lua.setGlobal("_")
        if !printWithReplacedPrint(from: top + 1, count: count) {
            let printer = makePrinter()
            var parts: [String] = []
            for i in 1...count { parts.append(printer.render(top + i)) }
            print(Self.collapsed(parts.joined(separator: "\t"), rows: Terminal.height, width: Terminal.width))
        }
    }

    /// A result of more lines than about two screens shows its first screen and how much was
    /// left out (as Node's REPL cuts long values): 100 records would otherwise scroll ~2,000
    /// lines past. `_` still holds all of it.
    static func collapsed(_ text: String, rows: Int, width: Int = 80) -> String {
        let limit = max(rows * 2, 40)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > limit else { return text }
        // One screen: the line typed, what is shown, the note (one or two rows) and the prompt.
        let shown = max(rows - 4, 10)
        let omitted = lines.count - shown
        lines = Array(lines.prefix(shown))
        let note = "... (\(omitted) more lines: the value is in `_`; print a part, or require 'telnyx.tabulate')"
        return (lines.map(String.init) + note.fitted(width: width, indent: 4)).joined(separator: "\n")
    }

    /// Calls the global `print` with the results, as lua.c's `l_print` does, when the script
    /// replaced it or when input is not a terminal (a piped session then reads as lua's); false
    /// when the pretty printer is to show them.
    private func printWithReplacedPrint(from first: Int32, count: Int32) -> Bool {
        lua.getGlobal("print")
        lua.pushRef(printRef)
        let original = lua_rawequal(lua.state, -1, -2) != 0
        lua.pop()
        if original && Terminal.inputIsTerminal {
            lua.pop()
            return false
        }
        for i in 0..<count { lua.pushValue(at: first + i) }
        if tl_pcall(lua.state, count, 0, 0) != LUA_OK {
            Console.error("telnyx-lua: error calling 'print' (\(lua.describe(-1)))\n")
            lua.pop()
        }
        return true
    }

    /// Lets spawned tasks run between prompts (without waiting for anything); a task's failure is
    /// printed as an error.
    func runReadyTasks() {
        do {
            try host.run("require('telnyx.runtime.scheduler').step()", name: "=(tasks)")
        } catch let error as LuaError {
            printError(error.message, traceback: error.traceback)
        } catch {
            printError("\(error)", traceback: nil)
        }
    }

    /// Whether a spawned task can make progress now (ready, its timer due, its response in).
    func tasksDue() -> Bool {
        let due = try? host.run("return require('telnyx.runtime.scheduler').due()", name: "=(tasks)")
        return due?.first == .boolean(true)
    }

    /// The prompt a script set in `_PROMPT` (`_PROMPT2` for continuation lines), as lua.c
    /// honours them; nil when it set none.
    func prompt(continuation: Bool) -> String? {
        let top = lua.top
        defer { lua.top = top }
        guard lua.getGlobal(continuation ? "_PROMPT2" : "_PROMPT") != LUA_TNIL else { return nil }
        return protectedToString(-1) ?? ""
    }

    /// A printer for the current terminal.
    func makePrinter() -> PrettyPrinter {
        PrettyPrinter(lua: lua, palette: Palette(enabled: Terminal.usesColor), width: Terminal.width,
                      protectedToString: { [self] index in protectedToString(index) })
    }

    /// `tostring(value)` in a protected call: a failing `__tostring` gives nil, not a crash.
    func protectedToString(_ index: Int32) -> String? {
        let index = lua.absolute(index)
        let top = lua.top
        defer { lua.top = top }
        lua.pushRef(tostringRef)
        lua.pushValue(at: index)
        guard (try? host.vm.call(argumentCount: 1, resultCount: 1)) != nil else { return nil }
        return lua.toString(-1)
    }

    /// Compiles `code` with the REPL scope as _ENV and leaves the function on the stack; on a
    /// syntax error leaves nothing and returns the message.
    private func compile(_ code: String) -> String? {
        do {
            try host.vm.load(Array(code.utf8), name: "=stdin")
        } catch {
            return (error as? LuaError)?.message ?? "\(error)"
        }
        lua.pushRef(scope.scopeRef)
        _ = lua_setupvalue(lua.state, -2, 1)
        return nil
    }

    /// Prints an error in red on a terminal, with a traceback cut to the frames that matter.
    private func printError(_ message: String, traceback: String?) {
        let palette = Palette(enabled: Terminal.usesColor && isatty(2) != 0)
        if message == "interrupted" || message.hasSuffix(": interrupted") {
            // Ctrl-C: where the code happened to be is noise; the terminal echoed ^C already.
            Console.error((Terminal.inputIsTerminal ? "\n" : "") + palette.paint("interrupted", palette.error) + "\n")
            return
        }
        // Long messages are broken between words at the terminal's width, not mid-word.
        let width = Terminal.breakWidth(for: 2)
        let fitted = message.split(separator: "\n", omittingEmptySubsequences: false)
            .flatMap { String($0).fitted(width: width, indent: 2) }.joined(separator: "\n")
        var text = palette.paint(fitted, palette.error) + "\n"
        if let traceback, let short = Self.shortTraceback(traceback, message: message) {
            text += palette.paint(short, palette.dim) + "\n"
        }
        Console.error(text)
    }

    /// The traceback without the REPL's own frames (`[C]: in ?`), the `error` call itself and
    /// the bundled runtime's internals, at most eight frames; nil when nothing is left worth
    /// showing (an error typed at the prompt itself). When the message points outside the
    /// bundled modules (a module blaming its caller's arguments), the module's own frames on
    /// top are left out too, as a C library function's are.
    static func shortTraceback(_ traceback: String, message: String = "") -> String? {
        let lines = traceback.split(separator: "\n").map(String.init)
        var frames = lines.dropFirst().filter { line in
            let t = line.trimmingPrefix("\t")
            return t != "[C]: in ?" && t != "[C]: in function 'error'" && t != "[C]: in function 'assert'"
                && !t.hasPrefix("stdlib/telnyx/runtime/") && t != "(...tail calls...)"
        }
        if !message.hasPrefix("stdlib/telnyx/") {
            frames = Array(frames.drop { $0.trimmingPrefix("\t").hasPrefix("stdlib/telnyx/") })
        }
        if frames.allSatisfy({ $0.contains(text: "in main chunk") }) { return nil }
        var kept = Array(frames.prefix(8))
        if frames.count > kept.count { kept.append("\t...(\(frames.count - kept.count) more)") }
        return "stack traceback:\n" + kept.joined(separator: "\n")
    }
}

extension String {
    fileprivate func trimmingPrefix(_ prefix: String) -> Substring {
        var s = self[...]
        while s.hasPrefix(prefix) { s = s.dropFirst(prefix.count) }
        return s
    }
}
