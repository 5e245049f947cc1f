#if canImport(Glibc)
import Glibc
#endif
import CLua
import CTelnyxStdlib
import LuaShims

/// Makes the modules of stdlib/ (compiled into the binary) loadable with `require`, and adds the
/// user's module folder to `package.path`.
///
/// Order of search: `package.preload`, then the bundled modules, then the user folder
/// (`TELNYX_LUA_PATH`, else `~/.config/telnyx-lua/lua`), then `LUA_PATH` and `LUA_CPATH` as
/// usual, so modules installed with LuaRocks keep working.
enum StdlibLoader {
    static func install(_ lua: Lua, useEnvironment: Bool) {
        lua.getGlobal("package")
        let package = lua.absolute(-1)
        lua.getField(package, "searchers")
        // Shift searchers[2...] up by one and put ours second, right after preload.
        let count = Int64(lua.rawLength(-1))
        if count >= 2 {
            for i in stride(from: count, through: 2, by: -1) {
                lua.rawGet(-1, i)
                lua.rawSet(-2, i + 1)
            }
        }
        lua.push(function: searchBundled)
        lua.rawSet(-2, 2)
        lua.pop()
        if useEnvironment, let folder = userFolder() {
            lua.getField(package, "path")
            let current = lua.toString(-1) ?? ""
            lua.pop()
            lua.push("\(folder)/?.lua;\(folder)/?/init.lua;" + current)
            lua.setField(package, "path")
        }
        lua.pop()
    }

    /// The user's module folder, from TELNYX_LUA_PATH or ~/.config/telnyx-lua/lua.
    static func userFolder() -> String? {
        if let raw = getenv("TELNYX_LUA_PATH") { return String(cString: raw) }
        if let xdg = getenv("XDG_CONFIG_HOME") { return String(cString: xdg) + "/telnyx-lua/lua" }
        if let home = getenv("HOME") { return String(cString: home) + "/.config/telnyx-lua/lua" }
        return nil
    }

    /// The names of all bundled modules (for `help` and completion).
    static var moduleNames: [String] { modules.map(\.name) }

    private static var modules: [(name: String, source: UnsafeBufferPointer<CChar>)] {
        var count = 0
        let table = telnyx_stdlib_modules(&count)!
        return (0..<count).map { i in
            let m = table[i]
            return (String(cString: m.name), UnsafeBufferPointer(start: m.source, count: m.length))
        }
    }

    /// A package searcher: returns the bundled module's loader, or why it has none.
    private static func searchBundled(_ lua: Lua) throws -> Int32 {
        let name = try lua.checkString(1)
        guard let module = modules.first(where: { $0.name == name }) else {
            lua.push("no bundled module '\(name)'")
            return 1
        }
        let status = tl_loadbuffer(lua.state, module.source.baseAddress, module.source.count, "@stdlib/\(name.split(separator: ".").joined(separator: "/")).lua")
        if status != LUA_OK { throw LuaError.raiseValue() }
        lua.push(":bundled:")
        return 2
    }
}
