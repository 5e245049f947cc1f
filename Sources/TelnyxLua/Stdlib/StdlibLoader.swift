#if canImport(Glibc)
import Glibc
#endif
import CLua
import CTelnyxStdlib
import LuaShims

/// Makes the modules of stdlib/ (compiled into the binary) loadable with `require`, and the
/// user's module folder.
///
/// Order of search: `package.preload`, the bundled modules, the user folder (`TELNYX_LUA_PATH`,
/// else `~/.config/telnyx-lua/lua`), then `package.path` and `package.cpath` as usual (from
/// LUA_PATH and LUA_CPATH), so modules installed with LuaRocks keep working. The two searchers
/// of ours say nothing when they find nothing, so `require`'s message and `package.path` are
/// exactly stock Lua's.
enum StdlibLoader {
    static func install(_ lua: Lua, useEnvironment: Bool) {
        lua.getGlobal("package")
        lua.getField(-1, "searchers")
        var searchers: [LuaFunction] = [searchBundled]
        if useEnvironment, let folder = userFolder() {
            searchers.append { lua in try searchFolder(lua, folder: folder) }
        }
        // Shift searchers[2...] up and put ours right after preload.
        let count = Int64(lua.rawLength(-1))
        let shift = Int64(searchers.count)
        if count >= 2 {
            for i in stride(from: count, through: 2, by: -1) {
                lua.rawGet(-1, i)
                lua.rawSet(-2, i + shift)
            }
        }
        for (i, searcher) in searchers.enumerated() {
            lua.push(function: searcher)
            lua.rawSet(-2, Int64(2 + i))
        }
        lua.pop(2)
    }

    /// A package searcher for the user's module folder: `folder/name.lua`, `folder/name/init.lua`.
    private static func searchFolder(_ lua: Lua, folder: String) throws -> Int32 {
        let name = try lua.checkString(1).split(separator: ".", omittingEmptySubsequences: false).joined(separator: "/")
        for path in ["\(folder)/\(name).lua", "\(folder)/\(name)/init.lua"] where access(path, R_OK) == 0 {
            if tl_loadfile(lua.state, path) != LUA_OK {
                throw LuaError.raise("error loading module '\(name)' from file '\(path)':\n\t\(lua.toString(-1) ?? "")")
            }
            lua.push(path)
            return 2
        }
        return 0
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

    struct BundledModule {
        let name: String
        let source: UnsafeBufferPointer<CChar>
        let bytecode: UnsafeBufferPointer<CChar>
    }

    static var modules: [BundledModule] {
        var count = 0
        let table = telnyx_stdlib_modules(&count)!
        return (0..<count).map { i in
            let m = table[i]
            return BundledModule(
                name: String(cString: m.name), source: UnsafeBufferPointer(start: m.source, count: m.length),
                bytecode: UnsafeBufferPointer(start: m.bytecode, count: m.bytecode_length))
        }
    }

    /// A package searcher: returns the bundled module's loader, or why it has none.
    private static func searchBundled(_ lua: Lua) throws -> Int32 {
        let name = try lua.checkString(1)
        guard let module = modules.first(where: { $0.name == name }) else { return 0 }
        let chunkName = "@stdlib/\(name.split(separator: ".").joined(separator: "/")).lua"
        try load(source: module.source, bytecode: module.bytecode, as: chunkName, on: lua)
        lua.push(":bundled:")
        return 2
    }

    /// Pushes the chunk, from its precompiled form when this Lua accepts it (compiling the source
    /// was most of start-up), else compiled from the source (a Lua with another bytecode format).
    /// Returns whether the bytecode was used; throws the source's syntax error.
    @discardableResult
    static func load(
        source: UnsafeBufferPointer<CChar>, bytecode: UnsafeBufferPointer<CChar>, as chunkName: String, on lua: Lua
    ) throws -> Bool {
        if !bytecode.isEmpty {
            if tl_loadbuffer_mode(lua.state, bytecode.baseAddress, bytecode.count, chunkName, "b") == LUA_OK { return true }
            lua.pop(1)
        }
        if tl_loadbuffer_mode(lua.state, source.baseAddress, source.count, chunkName, "t") != LUA_OK {
            throw LuaError.raiseValue()
        }
        return false
    }
}
