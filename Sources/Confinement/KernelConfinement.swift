#if canImport(Glibc)
import Glibc
#endif
import CConfinement
import Dispatch

/// What a confined process may still reach: its folder (read and write), some files and folders
/// read-only, and TCP ports to connect to or bind.
public struct ConfinementPolicy: Sendable {
    public var folder: String
    public var readOnly: [String]
    public var readWrite: [String]
    public var connectPorts: [UInt16]
    public var bindPorts: [UInt16]

    public init(folder: String, readOnly: [String] = [], readWrite: [String] = [],
                connectPorts: [UInt16] = [], bindPorts: [UInt16] = []) {
        self.folder = folder
        self.readOnly = readOnly
        self.readWrite = readWrite
        self.connectPorts = connectPorts
        self.bindPorts = bindPorts
    }

    /// What the process itself reads after start-up: the folders of the libraries it has loaded
    /// (glibc loads its name-service modules late), TLS certificates, name resolution, time
    /// zones, terminal descriptions (the REPL) and the CPU count (the event loops).
    public static func systemReadOnly() -> [String] {
        var paths = Set(loadedLibraryFolders())
        paths.formUnion([
            "/etc/ssl", "/etc/pki", "/etc/ca-certificates", "/usr/share/ca-certificates", "/usr/lib/ssl",
            "/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/gai.conf", "/etc/host.conf",
            "/etc/services", "/etc/protocols", "/etc/ld.so.cache", "/etc/localtime", "/usr/share/zoneinfo",
            "/usr/lib/locale", "/usr/share/terminfo", "/lib/terminfo", "/etc/terminfo",
            "/sys/devices/system/cpu", "/sys/fs/cgroup",
        ])
        return paths.sorted()
    }

    /// `--safe`'s policy for a recipe: its folder read-write; the system's read-only files and
    /// `extraReadOnly` (the main script, say); connect only to `apiPort`, and bind it when the
    /// process serves it itself (the in-process sandbox). `servePort`: `telnyx-lua serve`'s
    /// listener, the only other port it may bind (and connect to, for the in-process sandbox's
    /// deliveries).
    public static func recipe(
        folder: String, extraReadOnly: [String] = [], apiPort: UInt16, bindsAPIPort: Bool, servePort: UInt16? = nil
    ) -> ConfinementPolicy {
        let served = servePort.map { [$0] } ?? []
        return ConfinementPolicy(
            folder: folder, readOnly: systemReadOnly() + extraReadOnly, readWrite: systemReadWrite,
            connectPorts: [apiPort] + (bindsAPIPort ? served : []), bindPorts: (bindsAPIPort ? [apiPort] : []) + served)
    }

    /// Devices any program expects to write to.
    public static let systemReadWrite = ["/dev/null", "/dev/tty"]

    /// Folders of the shared libraries mapped into this process (from /proc/self/maps).
    static func loadedLibraryFolders() -> [String] {
        guard let file = fopen("/proc/self/maps", "r") else { return [] }
        defer { fclose(file) }
        var folders = Set<String>()
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = cText(line)
            // A mapped shared library: its path names `.so`.
            let isLibrary = text.utf8.indices.contains { text.utf8[$0...].starts(with: ".so".utf8) }
            guard let slash = text.firstIndex(of: "/"), isLibrary else { continue }
            let path = text[slash...].prefix { $0 != "\n" }
            if let last = path.lastIndex(of: "/") { folders.insert(String(path[..<last])) }
        }
        return Array(folders)
    }
}

/// Kernel-enforced confinement: Landlock for files and the network, seccomp-bpf against starting
/// programs and reaching other processes. Irreversible for the process.
public enum KernelConfinement {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The Landlock ABI the kernel offers (0: none). `TELNYX_LUA_PRETEND_NO_LANDLOCK=1` reports 0,
    /// so the refusal on kernels without it can be tested; it can only make --safe refuse.
    public static var landlockABI: Int {
        if getenv("TELNYX_LUA_PRETEND_NO_LANDLOCK") != nil { return 0 }
        return Int(tl_landlock_abi())
    }

    /// Confines this process. Must run before any other thread starts: Landlock binds the calling
    /// thread and what it creates afterwards, not threads that already exist. `existingThreads`
    /// admits threads started on purpose before (libdispatch's, see `startDispatchManager`);
    /// seccomp binds them too.
    public static func apply(_ policy: ConfinementPolicy, existingThreads: Int = 1) throws(Failure) {
        let abi = landlockABI
        guard abi >= 1 else {
            throw Failure(description: "this kernel offers no Landlock, which --safe needs to confine files and the network")
        }
        let threads = tl_thread_count()
        guard threads >= 1, threads <= existingThreads else {
            throw Failure(description: "cannot confine: \(threads < 0 ? "the thread count is unreadable" : "\(threads) threads are already running")")
        }
        guard let ruleset = tl_ruleset_create(1) else { throw failure("cannot create a Landlock ruleset") }
        var rules: [(String, Int32)] = [(policy.folder, Int32(TL_ACCESS_READ | TL_ACCESS_WRITE))]
        rules += policy.readOnly.map { ($0, Int32(TL_ACCESS_READ)) }
        rules += policy.readWrite.map { ($0, Int32(TL_ACCESS_READ | TL_ACCESS_WRITE)) }
        for (path, access) in rules where tl_ruleset_allow_path(ruleset, path, access) != 0 {
            tl_ruleset_free(ruleset)
            throw failure("cannot add a Landlock rule for \(path)")
        }
        for port in policy.connectPorts where tl_ruleset_allow_connect(ruleset, port) != 0 {
            tl_ruleset_free(ruleset)
            throw failure("cannot allow TCP port \(port)")
        }
        for port in policy.bindPorts where tl_ruleset_allow_bind(ruleset, port) != 0 {
            tl_ruleset_free(ruleset)
            throw failure("cannot allow binding TCP port \(port)")
        }
        if tl_ruleset_enforce(ruleset) != 0 { throw failure("cannot enforce the Landlock ruleset") }
        var why = [CChar](repeating: 0, count: 256)
        if tl_seccomp_install(&why, why.count) != 0 {
            throw Failure(description: "cannot install the seccomp filter: \(cText(why))")
        }
    }

    /// Starts libdispatch's manager thread (and a worker) and returns how many threads the
    /// process then has. Why: once work is queued, the manager checks its pool every second by
    /// reading `/proc/<tid>/stat` of each worker, and ends the process when it cannot. Landlock
    /// can only allow that by opening all of `/proc` (other processes' environments included),
    /// so the manager starts before confinement instead: it runs libdispatch's code only, never a
    /// recipe's, and seccomp binds it like every thread.
    public static func startDispatchManager() -> Int {
        let started = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { started.signal() }
        started.wait()
        // The manager runs on the overcommit root queue's thread ("com.apple.root.default-qos.
        // overcommit", shown by its last 15 characters), made as the worker registers: wait
        // until it shows (at most a second).
        for _ in 0..<200 where !threadNames().contains(where: { $0.hasSuffix("overcommit") }) {
            usleep(5000)
        }
        return Int(tl_thread_count())
    }

    /// The names of this process's threads (/proc/self/task/*/comm).
    static func threadNames() -> [String] {
        guard let dir = opendir("/proc/self/task") else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            guard !name.hasPrefix("."), let file = fopen("/proc/self/task/\(name)/comm", "r") else { continue }
            var line = [CChar](repeating: 0, count: 64)
            if fgets(&line, 64, file) != nil { names.append(String(cText(line).prefix { $0 != "\n" })) }
            fclose(file)
        }
        return names
    }

    private static func failure(_ what: String) -> Failure {
        Failure(description: "\(what): \(String(cString: strerror(errno)))")
    }
}

/// The text of a NUL-terminated C buffer.
private func cText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
