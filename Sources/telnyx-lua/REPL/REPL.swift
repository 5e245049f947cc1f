#if canImport(Glibc)
import Glibc
#endif
import Telnyx
import TelnyxLua

/// The interactive loop: reads chunks with libedit (continuing while Lua says `<eof>`), runs
/// them with Ctrl-C interrupting, prints results, keeps history. Ctrl-C at the prompt drops
/// the input; Ctrl-D exits; errors never leave the loop.
struct REPL {
    let host: TelnyxHost
    /// Whether the banner starts with the version line (false when `-i`/`-v` printed it).
    var showVersion = true

    func run() {
        let session: REPLSession
        do {
            session = try REPLSession(host: host)
        } catch {
            Console.error("telnyx-lua: cannot start the REPL: \(error)\n")
            return
        }
        var target = REPLTarget()
        target.dryRun = host.dryRunEnabled
        let completer = Completer(lua: host.vm.lua, scope: session.scope, catalog: .shared)
        let editor = LineEditor { word, before in completer.candidates(for: word, before: before) }
        let history = History()
        history.load()
        Help.install(in: session)
        print(target.banner(includeVersion: showVersion))
        // Spawned tasks keep running while the prompt waits (their sleeps end, their requests
        // come back), not only when a line is entered.
        LineEditor.idleWork = .init(isDue: { session.tasksDue() }, run: { session.runReadyTasks() })
        while let chunk = readChunk(editor, session, target) {
            history.add(chunk)
            host.clearInterrupt()
            // Ctrl-C while code runs raises "interrupted" in it (a second one ends the process).
            host.interruptOnSIGINT()
            session.runReadyTasks()  // what finished while the user was typing
            session.evaluate(chunk)
            // A Ctrl-C that stopped the chunk is spent: the tasks' turn must not report it again.
            host.clearInterrupt()
            session.runReadyTasks()
            host.clearInterrupt()
            fflush(nil)
        }
        print()
    }

    /// Reads lines until they make a complete chunk; nil at end of input.
    private func readChunk(_ editor: LineEditor, _ session: REPLSession, _ target: REPLTarget) -> String? {
        var text = ""
        while true {
            editor.pendingText = text
            switch editor.readLine(prompt: session.prompt(continuation: !text.isEmpty) ?? (text.isEmpty ? target.prompt : target.continuationPrompt)) {
            case .endOfInput:
                return nil
            case .interrupted:
                // The line and any pending continuation are dropped; a fresh prompt follows.
                print("^C")
                text = ""
            case .line(let line):
                text = text.isEmpty ? line : text + "\n" + line
                if text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" }) {
                    text = ""
                    continue
                }
                if !session.isIncomplete(text) { return text }
            }
        }
    }
}
