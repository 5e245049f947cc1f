#if canImport(Glibc)
import Glibc
#endif
import CConfinement
import LuaShims

/// `--safe`'s Lua layer: a recipe from someone else may call the API and read and write files in
/// its folder (the current directory), nothing else. The functions that reach files or load code
/// are replaced by C closures that captured what they use (safe_library.c), so a recipe cannot
/// subvert them by redefining globals; paths resolve beneath the folder without following links
/// out of it; only text chunks load; the credentials leave the environment. The kernel's wall
/// (the Confinement module, applied by the command line before this) stands behind it.
enum SafeMode {
    /// Environment variables that hold credentials: removed from the process.
    static let secretVariables = ["TELNYX_API_KEY", "TELNYX_CLIENT_SECRET", "TELNYX_CLIENT_ID"]

    static func apply(to host: TelnyxHost, deniedFiles: [String]) throws {
        guard let folder = realPath(".") else {
            throw LuaError(message: "--safe: cannot resolve the current directory")
        }
        guard folder != "/", !["/proc", "/sys", "/dev"].contains(where: { folder == $0 || folder.hasPrefix($0 + "/") }) else {
            throw LuaError(message: "--safe: run the recipe from a folder of its own, not \(folder)")
        }
        guard tl_beneath_set_root(folder) == 0 else {
            throw LuaError(message: "--safe: cannot open \(folder): \(String(cString: strerror(errno)))")
        }
        for file in deniedFiles { tl_beneath_deny_file(file) }
        host.api.safe = true
        host.vm.textOnly = true
        // The client has read them; the recipe must not find them, even in /proc/self/environ,
        // which shows the environment block as the process started with it: wiped in place.
        for name in secretVariables {
            if let value = getenv(name) { memset(value, 0, strlen(value)) }
            unsetenv(name)
        }
        var names = secretVariables.map { strdup($0) }
        names.append(nil)
        defer { names.forEach { free($0) } }
        let installed = names.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { tl_safe_install(host.vm.lua.state, $0.baseAddress) }
        }
        if installed == 0 { throw LuaError(message: "--safe: the recipe's folder is not set") }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
