import Foundation

/// The real `telnyx-lua` REPL running in a real terminal: a tmux session on its own server
/// socket, with HOME and XDG_STATE_HOME in a fresh temporary folder and a clean environment.
/// Tests type into it (`send-keys`) and read the screen (`capture-pane`), polling until the
/// expected text shows up rather than sleeping for fixed times.
final class TmuxREPL {
    struct WaitTimeout: Error, CustomStringConvertible {
        let expected: String
        let screen: String
        var description: String { "timed out waiting for \(expected.debugDescription); screen:\n\(screen)" }
    }

    /// The temporary folder used as HOME (removed at the end).
    let home: URL
    /// XDG_STATE_HOME (inside `home`), where the history file goes.
    var stateHome: URL { home.appendingPathComponent("state") }
    private let socket = "telnyx-repl-\(UUID().uuidString.prefix(8))"

    /// Starts `telnyx-lua arguments` in a `width`x`height` terminal. `environment` is added to a
    /// minimal one (PATH, HOME, XDG_STATE_HOME, TERM, LANG); NO_COLOR=1 unless `color`.
    init(arguments: [String] = [], environment: [String: String] = [:], color: Bool = false,
         width: Int = 200, height: Int = 50, home: URL? = nil) throws {
        self.home = home ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("telnyx-repl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.home, withIntermediateDirectories: true)
        var env = [
            "PATH": "/usr/bin:/bin", "HOME": self.home.path, "XDG_STATE_HOME": stateHome.path,
            "TERM": "xterm-256color", "LANG": "C.UTF-8",
        ]
        if !color { env["NO_COLOR"] = "1" }
        env.merge(environment) { _, new in new }
        let command = ["env", "-i"] + env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            + [Binaries.telnyxLua] + arguments
        try startServer(["new-session", "-d", "-x", "\(width)", "-y", "\(height)",
                         command.map(Self.shellQuote).joined(separator: " ")])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        // tmux leaves the socket file when its server goes with the session; remove it.
        try? FileManager.default.removeItem(atPath: "/tmp/tmux-\(getuid())/\(socket)")
    }

    /// Removes the temporary HOME (call at the end of a test that does not reuse it).
    func removeHome() { try? FileManager.default.removeItem(at: home) }

    /// Types `text` literally (no key-name interpretation: `end` stays the word "end").
    func type(_ text: String) throws { try tmux(["send-keys", "-t", "0", "-l", text]) }

    /// Presses keys by tmux name: `Enter`, `Tab`, `C-c`, `C-d`, `Up`.
    func press(_ keys: String...) throws {
        for key in keys { try tmux(["send-keys", "-t", "0", key]) }
    }

    /// Types `line` and presses Enter.
    func enter(_ line: String) throws {
        try type(line)
        try press("Enter")
    }

    /// The whole screen and scrollback, wrapped lines joined, trailing blank lines dropped.
    /// `escapes` keeps colour codes.
    func screen(escapes: Bool = false) throws -> String {
        let text = try tmux(["capture-pane", "-p", "-J", "-S", "-"] + (escapes ? ["-e"] : []) + ["-t", "0"])
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            .joined(separator: "\n").trimmingCharacters(in: .newlines)
    }

    /// Resizes the terminal, as a user dragging the window's edge does.
    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "0", "-x", "\(width)", "-y", "\(height)"])
    }

    /// The visible screen only (no scrollback), rows as the terminal shows them (not joined),
    /// trailing spaces and blank lines at the end dropped.
    func visibleRows() throws -> [String] {
        let text = try tmux(["capture-pane", "-p", "-t", "0"])
        var rows = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
        while rows.last == "" { rows.removeLast() }
        return rows
    }

    /// Polls the screen until `predicate` holds; returns that screen.
    @discardableResult
    func wait(for description: String, timeout: TimeInterval = 20, escapes: Bool = false,
              _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = (try? screen(escapes: escapes)) ?? last
            if predicate(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw WaitTimeout(expected: description, screen: last)
    }

    /// Polls until the screen contains `text`.
    @discardableResult
    func wait(for text: String, timeout: TimeInterval = 20) throws -> String {
        try wait(for: text, timeout: timeout) { $0.contains(text) }
    }

    /// Polls until the screen's last line is exactly `prompt` (the REPL is idle).
    @discardableResult
    func waitForPrompt(_ prompt: String = "telnyx>", count: Int = 1) throws -> String {
        try wait(for: "\(count) prompt(s) \(prompt)") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.last.map(String.init) == prompt && lines.filter { $0.hasPrefix(prompt) }.count >= count
        }
    }

    /// Enters `line` at an idle prompt, waits for the next prompt and returns what was printed
    /// in between (the echoed input excluded).
    @discardableResult
    func evaluate(_ line: String, prompt: String = "telnyx>") throws -> String {
        let before = try screen().split(separator: "\n").filter { $0.hasPrefix(prompt) }.count
        try enter(line)
        let after = try waitForPrompt(prompt, count: before + 1)
        var lines = after.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()
        guard let input = lines.lastIndex(where: { $0.hasPrefix(prompt) }) else { return "" }
        return lines[(input + 1)...].filter { !$0.hasPrefix("...>") }.joined(separator: "\n")
    }

    /// Polls until the tmux session is gone (the REPL exited).
    func waitForExit(timeout: TimeInterval = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? tmux(["has-session", "-t", "0"])) == nil { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw WaitTimeout(expected: "exit", screen: (try? screen()) ?? "")
    }

    /// Runs tmux on this test's own server; throws when it fails.
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let outcome = try Binaries.run("/usr/bin/tmux", ["-L", socket] + arguments, timeout: 20)
        guard outcome.status == 0 else {
            throw TmuxError(arguments: arguments, stderr: outcome.stderr)
        }
        return outcome.stdout
    }

    /// Runs the tmux command that starts this test's server with default signal handling and
    /// only stdin/stdout/stderr
    /// (all /dev/null) inherited: the server it forks would keep any other descriptor open,
    /// and Foundation's Process watches for a child's exit through one (so it would wait for
    /// ever, here or in a test running alongside).
    private func startServer(_ arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in 0...2 {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        // glibc's closefrom action is not in the imported headers: looked up at run time.
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            throw TmuxError(arguments: arguments, stderr: "no posix_spawn_file_actions_addclosefrom_np")
        }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        // The test runner's threads block and ignore signals; tmux and the REPL would inherit
        // that (Ctrl-C and kill-server's SIGHUP would do nothing), so start from the defaults.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ["/usr/bin/tmux", "-L", socket] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, &cArguments, environ)
        guard spawned == 0 else { throw TmuxError(arguments: arguments, stderr: "posix_spawn: \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else { throw TmuxError(arguments: arguments, stderr: "exit status \(status)") }
    }

    struct TmuxError: Error { let arguments: [String]; let stderr: String }

    private static func shellQuote(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
