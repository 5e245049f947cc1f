import CLua
import CMemoryBudget
import LuaShims
import Dispatch
import Telnyx
import TelnyxEvents

/// The telnyx-lua host: a Lua state with the standard libraries and the global `telnyx` table
/// (also `require "telnyx"`). This is what the `telnyx-lua` binary runs scripts in, and what
/// another Swift program embeds (see docs/embedding.md).
public final class TelnyxHost {
    /// The Lua state, for registering more functions or running code.
    public let vm: LuaVM
    let api: APIState
    private let library: APILibrary
    private let events = EventsBridge()

    /// Creates a host. `memoryLimit` caps Lua's allocations in bytes (0: none).
    /// `useEnvironment: false` (lua's `-E`) ignores LUA_PATH, LUA_CPATH, TELNYX_LUA_PATH, the user's
    /// module folder and the TELNYX_* client settings.
    public init(memoryLimit: Int = 0, useEnvironment: Bool = true) throws {
        vm = try LuaVM(memoryLimit: memoryLimit, ignoreEnvironment: !useEnvironment)
        api = APIState(useEnvironment: useEnvironment)
        library = APILibrary(state: api)
        installTelnyxTable()
        StdlibLoader.install(vm.lua, useEnvironment: useEnvironment)
        library.install(vm.lua)
        events.install(vm.lua)
        try vm.run("require('telnyx.runtime').install(telnyx)", name: "=(telnyx runtime)")
    }

    // Lua first: its finalizers may still call the API, and must find a client that works.
    deinit {
        vm.close()
        api.shutdown()
    }

    /// Runs every task to its end (as a script's end does) and returns the errors of failed
    /// tasks that nobody awaited, as messages, so that none is dropped silently.
    public func finishTasks() throws -> [String] {
        let results = try vm.run("return require('telnyx.runtime.scheduler').drain()", name: "=(end of script)")
        guard case .table(let reports)? = results.first else { return [] }
        return (1...max(1, reports.count)).compactMap { reports[.integer(Int64($0))]?.stringValue.map(LuaError.userFrames) }
    }

    /// Connects a running event server (`telnyx-lua serve`) to this host: its inbox wakes the
    /// Lua thread when something arrives, `telnyx.server.url` names it, and
    /// `require("telnyx.events").serve()` then dispatches what it accepts until told to stop.
    public func attach(_ server: EventServer) throws {
        server.inbox.setWake { [engine = api.engine] in engine.wake() }
        events.attachment = EventsBridge.Attachment(inbox: server.inbox, url: server.url, stopAccepting: {
            let done = DispatchSemaphore(value: 0)
            Task {
                await server.stopAccepting()
                done.signal()
            }
            done.wait()
        })
        try vm.run("telnyx.server = {url = require('telnyx.runtime.events_host').url()}", name: "=(serve)")
    }

    /// Restricts what Lua code may do (`--safe`); see SafeMode. Cannot be undone. `deniedFiles`
    /// stay unreadable even inside the folder (the config file with the key, say).
    public func enterSafeMode(deniedFiles: [String] = []) throws {
        try SafeMode.apply(to: self, deniedFiles: deniedFiles)
    }

    /// `--dry-run`: mutating requests are printed, not sent, for the rest of the host's life.
    /// The `telnyx.dryrun` module prints them; if a script disables or replaces it, the host
    /// still answers them itself without sending.
    public func enableDryRun() throws {
        api.dryRunEnforced = true
        try vm.run("require('telnyx.dryrun').enable()", name: "=--dry-run")
    }

    /// Whether `--dry-run` holds.
    public var dryRunEnabled: Bool { api.dryRunEnforced }

    /// Changes the client options every later call uses.
    public func configureClient(_ change: (inout ClientOptions) -> Void) {
        api.reconfigure(change)
    }

    /// The client options in force (their description redacts the key).
    public var clientOptions: ClientOptions { api.options }

    /// Points the API at `baseURL` with `apiKey` (the sandbox, or an explicit configuration).
    public func configure(baseURL: String? = nil, apiKey: String? = nil) {
        api.reconfigure { options in
            if let baseURL { options.baseURL = baseURL }
            if let apiKey { options.setAPIKey(apiKey, source: "the API key given to TelnyxHost.configure") }
        }
    }

    /// Runs a string of Lua; returns what it returned.
    @discardableResult
    public func run(_ code: String, name: String = "=(string)") throws -> [LuaValue] {
        try vm.run(code, name: name)
    }

    /// Runs a Lua file with `arguments` as its `...`.
    @discardableResult
    public func runFile(_ path: String, arguments: [LuaValue] = []) throws -> [LuaValue] {
        try vm.runFile(path, arguments: arguments)
    }

    private func installTelnyxTable() {
        let lua = vm.lua
        lua.newTable()
        lua.push(TelnyxVersion.string)
        lua.setField(-2, "version")
        // telnyx.dry_run_enforced(): whether --dry-run holds (telnyx.dryrun reads it).
        lua.push(function: { [api] lua in
            lua.push(api.dryRunEnforced)
            return 1
        })
        lua.setField(-2, "dry_run_enforced")
        JSONLibrary.install(into: lua)
        TerminalLibrary.install(into: lua)
        CryptoLibrary.install(into: lua)
        // require "telnyx" returns the same table as the global.
        lua.getGlobal("package")
        lua.getField(-1, "loaded")
        lua.pushValue(at: -3)
        lua.setField(-2, "telnyx")
        lua.pop(2)
        lua.setGlobal("telnyx")
    }
}

extension TelnyxHost {
    /// Stops running Lua code with "script timed out" after `seconds` (a watchdog thread keeps
    /// the time, so waits for requests and sleeps end too).
    public func setTimeout(seconds: Double) { tl_set_deadline(seconds) }

    /// For the command line: when the script has not stopped `grace` seconds after its timeout
    /// (stuck in one C call, a message handler or a finalizer), the process ends with status 124.
    public static func endProcessAfterTimeout(grace: Double) { tl_end_process_after_timeout(grace) }

    /// `--max-memory` for the whole process: hosts made afterwards count Lua's allocations in it,
    /// and response bodies, JSON text being encoded and files being uploaded count too, so none of
    /// them can grow past it (0: no budget).
    public static func setProcessMemoryBudget(bytes: Int) { tl_budget_set_limit(max(0, bytes)) }

    /// Makes Ctrl-C (SIGINT) interrupt running Lua code with "interrupted"; a second Ctrl-C
    /// before the first is handled ends the process.
    public func interruptOnSIGINT() { tl_install_sigint_handler() }

    /// Clears a pending interrupt (the REPL does, before reading the next line).
    public func clearInterrupt() {
        tl_clear_interrupt()
        tl_arm_interrupt_hook(vm.lua.state)  // back to every 1000 instructions
    }
}

/// Versions shown in banners.
public enum TelnyxHostInfo {
    public static let version = TelnyxVersion.string
    public static let luaVersion = String(cString: tl_lua_release())
    /// The modules bundled in the binary (`require` finds them), the runtime's internals left out.
    public static var bundledModules: [String] {
        StdlibLoader.moduleNames.filter { !$0.hasPrefix("telnyx.runtime") }.sorted()
    }
}
