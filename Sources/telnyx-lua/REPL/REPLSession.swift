#if canImport(Glibc)
import Glibc
#endif
import CLua
import LuaShims
import TelnyxLua

/// Evaluates REPL input: an expression prints its values (`return <line>` is tried first, as
/// lua.c does); statements run; a top-level `local` stays visible on later lines because it is
/// kept in the REPL's own scope table, which reads through to the globals.
final class REPLSession {
    let host: TelnyxHost
    private var lua: Lua { host.vm.lua }
    /// Registry reference of the scope table every chunk runs with as its _ENV.
    private let scopeRef: Int32

    init(host: TelnyxHost) {
        self.host = host
        let lua = host.vm.lua
        // scope = setmetatable({}, {__index = _G, __newindex = <globals unless declared local>})
        _ = try? host.vm.run(Self.scopeSource, name: "=repl")
        lua.getGlobal("__telnyx_repl_scope")
        scopeRef = lua.ref()
        lua.pushNil()
        lua.setGlobal("__telnyx_repl_scope")
    }

    private static let scopeSource = """
        local locals = {}
        __telnyx_repl_scope = setmetatable(locals, {__index = _G, __newindex = _G})
        """

    /// True when `text` fails to compile only because it ends too early (Lua's `<eof>` rule).
    func isIncomplete(_ text: String) -> Bool {
        if compile("return " + text) { lua.pop(); return false }
        lua.pop()
        if compile(rewriteLocals(text)) { lua.pop(); return false }
        let message = lua.toString(-1) ?? ""
        lua.pop()
        return message.hasSuffix("<eof>")
    }

    /// Runs `text` and prints what it returned, or the error.
    func evaluate(_ text: String) {
        let top = lua.top
        defer { lua.top = top }
        if !compile("return " + text) {
            lua.pop()
            guard compile(rewriteLocals(text)) else {
                printError(lua.toString(-1) ?? "syntax error")
                return
            }
        }
        do {
            try host.vm.call(argumentCount: 0, resultCount: tl_multret())
        } catch {
            printError("\(error)")
            return
        }
        let count = lua.top - top
        guard count > 0 else { return }
        var parts: [String] = []
        for i in 1...count { parts.append(lua.describe(top + i)) }
        print(parts.joined(separator: "\t"))
        lua.pushValue(at: top + count)
        lua.setGlobal("_")
    }

    /// Compiles `code` with the REPL scope as _ENV; leaves the function, or the message, on top.
    private func compile(_ code: String) -> Bool {
        do {
            try host.vm.load(Array(code.utf8), name: "=stdin")
        } catch {
            lua.push("\((error as? LuaError)?.message ?? "\(error)")")
            return false
        }
        lua.pushRef(scopeRef)
        _ = lua_setupvalue(lua.state, -2, 1)
        return true
    }

    /// `local x, y = ...` and `local function f` at the start of a line become assignments to
    /// the scope table, so later lines see them.
    private func rewriteLocals(_ text: String) -> String {
        let declared = LocalDeclarations.names(in: text)
        guard !declared.isEmpty else { return text }
        var prefix = ""
        for name in declared { prefix += "rawset(_ENV, \"\(name)\", rawget(_ENV, \"\(name)\")) " }
        return prefix + LocalDeclarations.strip(text)
    }

    private func printError(_ message: String) {
        fflush(nil)
        Console.error(message + "\n")
    }
}
