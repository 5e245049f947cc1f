#if canImport(Glibc)
import Glibc
#endif
import CLua
import LuaShims

/// `--safe`: runs a recipe from someone else so that it can do no more than call the API and
/// read and write files in the current directory. Removed: os.execute, io.popen,
/// package.loadlib, C modules, the debug library, binary chunks; refused: file access outside
/// the current directory (symbolic links resolved), reading the credentials from the
/// environment, and pointing the API (and so the key) at another host.
enum SafeMode {
    static func apply(to host: TelnyxHost) throws {
        host.api.safe = true
        let lua = host.vm.lua
        lua.push(function: checkPath)
        lua.setGlobal("__telnyx_safe_path")
        try host.vm.run(restrictions, name: "=(--safe)")
    }

    /// __telnyx_safe_path(path) -> true, or false and why: is `path` inside the current
    /// directory once links are resolved?
    private static func checkPath(_ lua: Lua) throws -> Int32 {
        let path = try lua.checkString(1)
        guard let cwd = realPath(".") else {
            lua.push(false)
            lua.push("cannot resolve the current directory")
            return 2
        }
        let resolved: String?
        if let existing = realPath(path) {
            resolved = existing
        } else {
            // A file to create: its folder must exist inside the current directory.
            let slash = path.lastIndex(of: "/")
            let folder = slash.map { String(path[..<$0]) } ?? "."
            let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
            resolved = realPath(folder.isEmpty ? "/" : folder).map { $0 + "/" + name }
        }
        guard let resolved, resolved == cwd || resolved.hasPrefix(cwd == "/" ? "/" : cwd + "/") else {
            lua.push(false)
            lua.push("'\(path)' is outside the current directory")
            return 2
        }
        lua.push(true)
        return 1
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static let restrictions = #"""
        local check = __telnyx_safe_path
        __telnyx_safe_path = nil
        local function refuse(name)
          return function()
            error("--safe: " .. name .. " is not allowed in safe mode", 2)
          end
        end
        local function guard(name, fn, position)
          return function(...)
            local path = select(position or 1, ...)
            if type(path) == "string" then
              local ok, why = check(path)
              if not ok then error("--safe: " .. name .. ": " .. why, 2) end
            end
            return fn(...)
          end
        end
        os.execute = refuse("os.execute")
        io.popen = refuse("io.popen")
        os.tmpname = refuse("os.tmpname")
        package.loadlib = refuse("package.loadlib")
        io.open = guard("io.open", io.open)
        io.lines = guard("io.lines", io.lines)
        io.input = guard("io.input", io.input)
        io.output = guard("io.output", io.output)
        os.remove = guard("os.remove", os.remove)
        local rename = os.rename
        os.rename = function(from, to)
          for _, p in ipairs({from, to}) do
            local ok, why = check(tostring(p))
            if not ok then error("--safe: os.rename: " .. why, 2) end
          end
          return rename(from, to)
        end
        dofile = guard("dofile", dofile)
        loadfile = guard("loadfile", loadfile)
        local raw_load = load
        load = function(chunk, name, mode, env)
          if mode ~= nil and mode ~= "t" then error("--safe: load: only text chunks are allowed", 2) end
          return raw_load(chunk, name, "t", env)
        end
        local getenv = os.getenv
        local hidden = {TELNYX_API_KEY = true, TELNYX_CLIENT_SECRET = true, TELNYX_CLIENT_ID = true}
        os.getenv = function(name)
          if hidden[name] then return nil end
          return getenv(name)
        end
        debug = nil
        package.loaded.debug = nil
        -- Modules: preload, the bundled stdlib, and Lua files in the current directory only.
        package.cpath = ""
        package.path = "./?.lua;./?/init.lua"
        local searchers = package.searchers
        package.searchers = {searchers[1], searchers[2], searchers[3]}
        """#
}
