#if canImport(Glibc)
import Glibc
#endif
import Telnyx
import TelnyxLua

// telnyx-lua: Lua 5.4 with the Telnyx API. Parses the command line, builds the host and runs
// the script or the REPL; `--help` lists every option.

// Swift's runtime, linked in statically, reads the command line from /proc/self/cmdline; in a
// bare chroot without /proc it comes back empty, and running stdin as the script instead of
// what was asked would be a silent surprise.
if CommandLine.arguments.isEmpty {
    Console.error("telnyx-lua: the command line cannot be read (is /proc mounted?)\n")
    exit(2)
}
// As lua.c: messages start with the name the program was started by.
let programName = CommandLine.arguments.first.flatMap { $0.isEmpty ? nil : $0 } ?? "telnyx-lua"
var options: Options
do {
    options = try Options(CommandLine.arguments)
} catch {
    Console.error("\(programName): \(error)\n\(Options.usage)\n")
    exit(1)
}
if options.showHelp {
    print(options.serve != nil ? ServeOptions.usage : Options.usage)
    exit(0)
}

let status: Int32
do {
    let memoryLimit = (options.maxMemoryMB ?? 0) * 1024 * 1024
    // Before the host exists, so that Lua's allocator draws from the process's budget too.
    TelnyxHost.setProcessMemoryBudget(bytes: memoryLimit)
    let host = try TelnyxHost(memoryLimit: memoryLimit, useEnvironment: !options.ignoreEnvironment)
    // The sandbox's port is chosen before --safe confines the process (and before any thread
    // starts); it is started after, so its threads are confined too.
    var sandboxPort: UInt16?
    if options.sandbox {
        if options.profile != nil { throw Options.UsageError(description: "--sandbox and --profile exclude each other") }
        sandboxPort = try SandboxLauncher.freePort()
    } else {
        try Profile.apply(options, to: host)
    }
    // serve's port too: --safe allows binding that one port only, so a free one is chosen now.
    if var serve = options.serve, serve.replay == nil, serve.port == 0, options.safe {
        serve.port = Int(try SandboxLauncher.freePort())
        options.serve = serve
    }
    if options.safe {
        let apiPort = try sandboxPort ?? Containment.port(of: host.clientOptions.baseURL)
        let servePort = options.serve.flatMap { $0.replay == nil ? UInt16($0.port) : nil }
        try Containment.confine(options, apiPort: apiPort, bindsAPIPort: sandboxPort != nil, servePort: servePort)
    }
    var sandboxPublicKey: String?
    if let sandboxPort {
        let sandbox = try SandboxLauncher.start(port: sandboxPort, stateless: options.sandboxStateless)
        sandboxPublicKey = sandbox.publicKey
        host.configure(baseURL: sandbox.baseURL, apiKey: SandboxLauncher.apiKey)
        // The REPL's banner and prompt say when they talk to the sandbox.
        setenv("TELNYX_SANDBOX", "1", 1)
        setenv("TELNYX_BASE_URL", sandbox.baseURL, 1)
    }
    if options.dryRun { try host.enableDryRun() }
    if options.safe { try host.enterSafeMode(deniedFiles: [ConfigFile.defaultPath(), History().path].compactMap { $0 }) }
    if let seconds = options.timeoutSeconds {
        host.setTimeout(seconds: seconds)
        TelnyxHost.endProcessAfterTimeout(grace: 1)
    }
    host.interruptOnSIGINT()
    if let serve = options.serve {
        status = ServeCommand(options: options, serve: serve, host: host, programName: programName,
                              sandboxPublicKey: sandboxPublicKey).run()
    } else {
        status = ScriptRunner(options: options, host: host, programName: programName).run()
    }
} catch {
    Console.error("\(programName): \(error)\n")
    status = 1
}
fflush(nil)
exit(status)
