#if canImport(Glibc)
import Glibc
#endif
import TelnyxLua

// telnyx-lua: Lua 5.4 with the Telnyx API. Parses the command line, builds the host and runs
// the script or the REPL; `--help` lists every option.

let programName = "telnyx-lua"
let options: Options
do {
    options = try Options(CommandLine.arguments)
} catch {
    Console.error("\(programName): \(error)\n\(Options.usage)\n")
    exit(1)
}
if options.showHelp {
    print(Options.usage)
    exit(0)
}

let status: Int32
do {
    let memoryLimit = (options.maxMemoryMB ?? 0) * 1024 * 1024
    let host = try TelnyxHost(memoryLimit: memoryLimit, useEnvironment: !options.ignoreEnvironment)
    if options.sandbox {
        if options.profile != nil { throw Options.UsageError(description: "--sandbox and --profile exclude each other") }
        let sandbox = try SandboxLauncher.start()
        host.configure(baseURL: sandbox.baseURL, apiKey: SandboxLauncher.apiKey)
        // The REPL's banner and prompt say when they talk to the sandbox.
        setenv("TELNYX_SANDBOX", "1", 1)
        setenv("TELNYX_BASE_URL", sandbox.baseURL, 1)
    } else {
        try Profile.apply(options, to: host)
    }
    if options.dryRun { try host.run("require('telnyx.dryrun').enable()", name: "=--dry-run") }
    if options.safe { try host.enterSafeMode() }
    if let seconds = options.timeoutSeconds { host.setTimeout(seconds: seconds) }
    host.interruptOnSIGINT()
    status = ScriptRunner(options: options, host: host, programName: programName).run()
} catch {
    Console.error("\(programName): \(error)\n")
    status = 1
}
fflush(nil)
exit(status)
