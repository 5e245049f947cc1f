#if canImport(Glibc)
import Glibc
#endif
import Confinement
import Telnyx
import TelnyxLua

/// `--safe` on the command line: the kernel's wall first (Landlock and seccomp, before any other
/// thread starts), then the Lua layer. The recipe's folder is the current directory; the process
/// may also read the main script, its own libraries and certificates, and connect only to the
/// API's port.
enum Containment {
    /// Confines the process for `options`; `apiPort` is the one TCP port it may connect to
    /// (the sandbox's, which it may also bind, when `bindsAPIPort`); `servePort` the one
    /// `telnyx-lua serve` listens on.
    static func confine(_ options: Options, apiPort: UInt16, bindsAPIPort: Bool, servePort: UInt16? = nil) throws {
        guard let folder = realPath(".") else { throw Options.UsageError(description: "--safe: cannot resolve the current directory") }
        var readOnly: [String] = []
        if let script = options.script, script != "-", let path = realPath(script) { readOnly.append(path) }
        if let replay = options.serve?.replay, let path = realPath(replay) { readOnly.append(path) }
        if !options.ignoreEnvironment, let initFile = luaInitFile(), let path = realPath(initFile) { readOnly.append(path) }
        let policy = ConfinementPolicy.recipe(folder: folder, extraReadOnly: readOnly, apiPort: apiPort, bindsAPIPort: bindsAPIPort,
                                               servePort: servePort)
        do {
            let threads = KernelConfinement.startDispatchManager()
            try KernelConfinement.apply(policy, existingThreads: threads)
        } catch {
            guard options.weakSafe else {
                throw Options.UsageError(description: "--safe: \(error.description); refusing to run (--weak-safe accepts the Lua layer alone)")
            }
            Console.error("telnyx-lua: warning: --weak-safe: \(error.description); only the Lua layer confines this script\n")
        }
    }

    /// The TCP port of a base URL (443 for https, 80 for http when none is given).
    static func port(of baseURL: String) throws -> UInt16 {
        let lower = baseURL.lowercased()
        let defaultPort: UInt16 = lower.hasPrefix("https://") ? 443 : 80
        guard let schemeEnd = baseURL.range(ofText: "://") else {
            throw Options.UsageError(description: "--safe: cannot read the API's address from '\(baseURL)'")
        }
        let authority = baseURL[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@").last ?? authority[...]
        if hostPort.hasSuffix("]") || !hostPort.contains(text: ":") { return defaultPort }
        guard let colon = hostPort.lastIndex(of: ":"), let port = UInt16(hostPort[hostPort.index(after: colon)...]) else {
            throw Options.UsageError(description: "--safe: cannot read the API's port from '\(baseURL)'")
        }
        return port
    }

    /// The file LUA_INIT names with `@file`, which runs after confinement.
    private static func luaInitFile() -> String? {
        guard let raw = getenv("LUA_INIT_5_4") ?? getenv("LUA_INIT") else { return nil }
        let value = String(cString: raw)
        return value.hasPrefix("@") ? String(value.dropFirst()) : nil
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
