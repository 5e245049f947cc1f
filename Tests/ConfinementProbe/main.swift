#if canImport(Glibc)
import Glibc
#endif
import Confinement

// confinement-probe PORT OUTSIDE_FILE: confines itself with --safe's policy for a recipe in the
// current directory (connect allowed to PORT only), then tries what a recipe that got past the
// Lua layer would try, on the main thread and on a thread started afterwards, and prints one
// line per attempt: `thread name ok` or `thread name ERRNO`. EndToEndTests reads the lines.

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = UInt16(arguments[1]) else {
    print("usage: confinement-probe PORT OUTSIDE_FILE")
    exit(2)
}
let outside = arguments[2]
guard let cwd = getcwd(nil, 0) else { exit(2) }
let folder = String(cString: cwd)
do {
    let threads = KernelConfinement.startDispatchManager()
    try KernelConfinement.apply(.recipe(folder: folder, apiPort: port, bindsAPIPort: false), existingThreads: threads)
} catch {
    print("confine failed: \(error)")
    exit(3)
}

func outcome(_ status: Int32) -> String { status >= 0 ? "ok" : String(cString: strerror(errno)) }

func openFile(_ path: String, _ flags: Int32) -> String {
    let fd = open(path, flags, 0o644)
    defer { if fd >= 0 { close(fd) } }
    return outcome(fd)
}

func connectTo(_ port: UInt16) -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return outcome(fd) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let status = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return outcome(status)
}

func attempts(_ thread: String, port: UInt16, outside: String) {
    let results: [(String, String)] = [
        ("read_inside", openFile("inside.txt", O_RDONLY)),
        ("write_inside", openFile("written-by-\(thread).txt", O_WRONLY | O_CREAT)),
        ("read_outside", openFile(outside, O_RDONLY)),
        ("write_outside", openFile(outside + ".\(thread).new", O_WRONLY | O_CREAT)),
        ("read_proc_environ", openFile("/proc/self/environ", O_RDONLY)),
        ("read_proc_mem", openFile("/proc/self/mem", O_RDWR)),
        ("read_etc_shadow", openFile("/etc/shadow", O_RDONLY)),
        ("read_task_stat", openFile("/proc/self/task/\(getpid())/stat", O_RDONLY)),
        ("exec", outcome({ () -> Int32 in
            var argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
            return execv("/bin/true", &argv)
        }())),
        ("fork", { () -> String in
            let pid = fork()
            if pid == 0 { _exit(0) }
            return outcome(pid)
        }()),
        ("chroot", outcome(chroot("."))),
        ("signal_parent", outcome(kill(getppid(), 0))),
        ("connect_allowed", connectTo(port)),
        ("connect_other", connectTo(port &+ 1)),
    ]
    for (name, result) in results { print("\(thread) \(name) \(result)") }
}

/// A thread started after confinement: Landlock and seccomp must hold there too. (A global
/// function: a closure written in top-level code would belong to the main actor.)
func secondThread(_: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    attempts("second", port: UInt16(CommandLine.arguments[1])!, outside: CommandLine.arguments[2])
    return nil
}

attempts("main", port: port, outside: outside)
var thread = pthread_t()
pthread_create(&thread, nil, secondThread, nil)
pthread_join(thread, nil)
