import Foundation
import Testing

/// `--safe`'s kernel wall, tested below the Lua layer: confinement-probe applies the same policy
/// telnyx-lua does and then tries, with raw system calls, what a recipe that got past the Lua
/// layer (through a memory bug, say) would try; and telnyx-lua refuses `--safe` without it.
@Suite struct KernelConfinementTests {
    @Test func theKernelRefusesWhatTheLuaLayerWouldHaveTo() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("telnyx-probe-\(UUID().uuidString)")
        let folder = base.appendingPathComponent("recipe"), outside = base.appendingPathComponent("outside")
        for dir in [folder, outside] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        defer { try? FileManager.default.removeItem(at: base) }
        try "in".write(to: folder.appendingPathComponent("inside.txt"), atomically: true, encoding: .utf8)
        let secret = outside.appendingPathComponent("secret.txt")
        try "out".write(to: secret, atomically: true, encoding: .utf8)
        let listener = try LoopbackListener()
        defer { listener.close() }

        let probe = Binaries.buildFolder.appendingPathComponent("confinement-probe").path
        let r = try Binaries.run(probe, [String(listener.port), secret.path], directory: folder)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        var results: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            if parts.count == 3 { results["\(parts[0]) \(parts[1])"] = parts[2] }
        }
        for thread in ["main", "second"] {
            func result(_ name: String) -> String { results["\(thread) \(name)"] ?? "missing" }
            #expect(result("read_inside") == "ok")
            #expect(result("write_inside") == "ok")
            #expect(result("connect_allowed") == "ok")
            for name in ["read_outside", "write_outside", "read_proc_environ", "read_proc_mem", "read_etc_shadow", "read_task_stat"] {
                #expect(result(name) == "Permission denied", "\(thread) \(name): \(result(name))")
            }
            #expect(result("connect_other") == "Permission denied", "\(thread) connect_other: \(result("connect_other"))")
            for name in ["exec", "fork", "chroot", "signal_parent"] {
                #expect(result(name) == "Operation not permitted", "\(thread) \(name): \(result(name))")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: secret.path + ".main.new"))
        #expect(!FileManager.default.fileExists(atPath: secret.path + ".second.new"))
    }

    @Test func safeRefusesToRunWithoutLandlock() throws {
        let refused = try Binaries.run(Binaries.telnyxLua, ["--safe", "-e", "print('ran')"],
                                       environment: ["TELNYX_LUA_PRETEND_NO_LANDLOCK": "1"])
        #expect(refused.status == 1)
        #expect(!refused.stdout.contains("ran"))
        #expect(refused.stderr.contains("offers no Landlock") && refused.stderr.contains("refusing to run"), "\(refused.stderr)")
        let weak = try Binaries.run(Binaries.telnyxLua, ["--weak-safe", "-e", "print(os.execute == nil, pcall(os.execute, 'true'))"],
                                    environment: ["TELNYX_LUA_PRETEND_NO_LANDLOCK": "1"])
        #expect(weak.status == 0, "\(weak.stderr)")
        #expect(weak.stderr.contains("only the Lua layer confines this script"))
        #expect(weak.stdout.hasPrefix("false\tfalse"))
    }

    @Test func safeRefusesTheRootFolder() throws {
        let r = try Binaries.run(Binaries.telnyxLua, ["--safe", "-e", "print('ran')"], directory: URL(fileURLWithPath: "/"))
        #expect(r.status == 1 && !r.stdout.contains("ran"))
        #expect(r.stderr.contains("a folder of its own"), "\(r.stderr)")
    }

    /// The whole product under the kernel wall: the in-process sandbox binds and answers, the
    /// script calls it, and the process can still not read outside.
    @Test func safeRunsAgainstTheSandboxConfined() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("telnyx-safe-sandbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try Binaries.run(Binaries.telnyxLua, ["--safe", "--sandbox", "-e", """
            local f = io.open('/proc/self/status') -- refused by the Lua layer
            """], directory: folder)
        #expect(r.status == 1)
        #expect(r.stderr.contains("--safe: io.open: '/proc/self/status'"), "\(r.stderr)")
        let ok = try Binaries.run(Binaries.telnyxLua, ["--safe", "--sandbox", "-e", """
            local n = 0 for number in telnyx.phone_numbers.list{page = {size = 5}} do n = n + 1 if n == 7 then break end end print(n)
            """], directory: folder)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout == "7\n")
    }
}

/// A TCP listener on an ephemeral loopback port that accepts and then says nothing: a hung
/// server, and a port the probe may connect to.
final class LoopbackListener: @unchecked Sendable {
    let fd: Int32
    let port: UInt16
    private var accepted: [Int32] = []
    private let lock = NSLock()

    init() throws {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        fd = socketFD
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, length) == 0 && listen(socketFD, 64) == 0 && getsockname(socketFD, $0, &length) == 0
            }
        }
        guard ok else { throw POSIXError(.EADDRINUSE) }
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(socketFD, nil, nil)
                if client < 0 { return }
                lock.withLock { accepted.append(client) }
            }
        }
    }

    func close() {
        shutdown(fd, Int32(SHUT_RDWR))
        Glibc.close(fd)
        lock.withLock { for client in accepted { Glibc.close(client) } }
    }
}
