import Foundation
import Testing

/// What a new user's trial of the REPL in a real terminal (tmux) found (issue 16): printing at
/// the terminal's width, ids never cut, deep tables collapsed, pasted Tabs drawn at once, help
/// on tasks and API errors, redrawing after a resize, stdlib errors at the caller's line, and
/// completion details. Each test failed before its fix.
@Suite struct REPLTrialTests {
    private func start(width: Int = 80, height: Int = 50, sandbox: Bool = false) throws -> TmuxREPL {
        let repl = try TmuxREPL(arguments: sandbox ? ["--sandbox"] : [], width: width, height: height)
        try repl.waitForPrompt(sandbox ? "telnyx(sandbox)>" : "telnyx>")
        return repl
    }

    /// Every printed line within `width` columns (the screen's wrapped lines are joined, so a
    /// line the terminal wrapped shows up longer).
    private func allFit(_ text: String, _ width: Int) -> Bool {
        text.split(separator: "\n").allSatisfy { $0.count <= width }
    }

    /// A nested table that fits with its `,` stays on one line ending in the last column; one
    /// column more and it breaks into lines (it was put on one line and wrapped its `,`).
    @Test func entriesEndAtTheLastColumnNotOnePast() throws {
        let repl = try start(width: 40)
        defer { repl.removeHome() }
        let fits = try repl.evaluate("{a = {b = ('x'):rep(25)}, c = ('y z'):rep(20)}")
        #expect(fits.split(separator: "\n").contains { $0 == "  a = {b = \"\(String(repeating: "x", count: 25))\"}," }, "\(fits)")
        #expect(allFit(fits, 40), "\(fits)")
        let breaks = try repl.evaluate("{a = {b = ('x'):rep(26)}, c = ('y z'):rep(20)}")
        #expect(breaks.contains("  a = {\n"), "\(breaks)")
        #expect(allFit(breaks, 40), "\(breaks)")
    }

    /// Ids and timestamps in a record print whole at 40 columns (they were cut to 8 characters
    /// and `... (36 bytes)`), and the record's lines fit the terminal.
    @Test func recordIdsAreNeverCutInANarrowTerminal() throws {
        let repl = try start(width: 40, sandbox: true)
        defer { repl.removeHome() }
        let prompt = "telnyx(sandbox)>"
        _ = try repl.evaluate("r = telnyx.phone_numbers.list():first()", prompt: prompt)
        let id = try repl.evaluate("print(r.id)", prompt: prompt)
        let connection = try repl.evaluate("print(r.connection_id)", prompt: prompt)
        #expect(id.count == 36 && connection.count == 36)
        let record = try repl.evaluate("r", prompt: prompt)
        #expect(record.contains("\"\(id)\""), "\(record)")
        #expect(record.contains("\"\(connection)\""), "\(record)")
        #expect(!record.contains(" bytes)"), "\(record)")
        #expect(allFit(record, 40), "\(record)")
        // Long text (not a word) is still cut, to a whole line.
        let prose = try repl.evaluate("{note = ('lorem ipsum '):rep(20)}", prompt: prompt)
        #expect(prose.contains("... (240 bytes)") && allFit(prose, 40), "\(prose)")
    }

    /// Past 6 levels a table shows `{...}`, on one line too (the one-line form counted its
    /// depth from where it started, so it showed all 8 levels).
    @Test func tablesDeeperThanTheLimitCollapse() throws {
        let repl = try start()
        defer { repl.removeHome() }
        #expect(try repl.evaluate("{1, {2, {3, {4, {5, {6, {7, {8}}}}}}}}") == "{1, {2, {3, {4, {5, {6, {...}}}}}}}")
        let wide = try repl.evaluate("{{{{{{{{deep = 1}}}}}}}, ('w'):rep(80)}")
        #expect(wide.contains("{...}") && !wide.contains("deep"), "\(wide)")
    }

    /// A pasted Tab takes its room on the screen at once (it was drawn zero-wide until the
    /// next redraw), inside a line and as indentation.
    @Test func pastedTabsAreDrawnAtOnce() throws {
        let repl = try start()
        defer { repl.removeHome() }
        try repl.type("\u{1B}[200~s = \"a\tb\"\u{1B}[201~")
        // "telnyx> s = \"a" ends in column 14: the Tab runs to column 16.
        try repl.wait(for: "the Tab as two spaces") { $0.hasSuffix("telnyx> s = \"a  b\"") }
        try repl.press("Enter")
        try repl.waitForPrompt(count: 2)
        try repl.type("\u{1B}[200~if s then\n\tt = 1\nend\u{1B}[201~")
        try repl.wait(for: "an indented pasted line") { $0.contains("...>    t = 1") }
        try repl.press("Enter")
        #expect(try repl.evaluate("s == 'a\\tb' and t == 1") == "true")
    }

    /// help(task) and help(err) describe what a user can do with them, not their internals.
    @Test func helpDescribesTasksAndAPIErrors() throws {
        let repl = try start(sandbox: true)
        defer { repl.removeHome() }
        let prompt = "telnyx(sandbox)>"
        _ = try repl.evaluate("t = telnyx.spawn(function() return 1 end)", prompt: prompt)
        let task = try repl.evaluate("help(t)", prompt: prompt)
        #expect(task.contains("A task (telnyx.spawn)") && task.contains("t:await()") && task.contains("t:cancel()"), "\(task)")
        #expect(task.contains("status \"done\"") || task.contains("status \"ready\""), "\(task)")
        #expect(!task.contains("waiters") && !task.contains("co,"), "\(task)")
        _ = try repl.evaluate("ok, err = pcall(telnyx.phone_numbers.retrieve, 'nope')", prompt: prompt)
        let error = try repl.evaluate("help(err)", prompt: prompt)
        for field in ["err.type", "err.status", "err.message", "err.errors", "err.request_id"] {
            #expect(error.contains(field), "\(field) missing: \(error)")
        }
        #expect(error.contains("\"NotFoundError\"") && error.contains("404"), "\(error)")
        #expect(!error.contains("A table (not an API resource)"), "\(error)")
    }

    /// After a resize the line is drawn once, in the new width, and editing it goes on cleanly
    /// (libedit drew it again from the cursor's row, leaving rows of the old layout).
    @Test func aResizeLeavesNoRowsOfTheOldLayout() throws {
        let repl = try start(width: 80, height: 20)
        defer { repl.removeHome() }
        let line = #"x = telnyx.phone_numbers.list{filter = {tag = "x"}}"#
        try repl.type(line)
        try repl.wait(for: line)
        try repl.resize(width: 40, height: 20)
        Thread.sleep(forTimeInterval: 0.5)  // the REPL looks at the width every 100 ms
        try repl.type(" y")
        try repl.wait(for: "the edit") { $0.hasSuffix("}} y") }
        try repl.resize(width: 100, height: 20)
        Thread.sleep(forTimeInterval: 0.5)
        try repl.press("BSpace", "BSpace")
        try repl.wait(for: "the line in one row") { $0.hasSuffix("telnyx> " + line) }
        // Scrollback included: the line is there once, no row of it left from 80 or 40 columns.
        let screen = try repl.screen()
        #expect(screen.components(separatedBy: "telnyx> x = telnyx.phone_number").count == 2, "\(screen)")
        #expect(!screen.contains("\ns.list"), "\(screen)")
        try repl.press("Enter")
        try repl.waitForPrompt(count: 2)
        #expect(try repl.evaluate("x ~= nil") == "true")  // the line ran as typed
    }

    /// Errors of the bundled modules' functions point at the line that called them (as in
    /// `lua`, an expression typed alone is a tail call, which keeps no line to point at).
    @Test func stdlibErrorsPointAtTheCaller() throws {
        let repl = try start()
        defer { repl.removeHome() }
        let tabulate = try repl.evaluate("local n = require('telnyx.tabulate').print(5)")
        #expect(tabulate.hasPrefix("stdin:1: tabulate.print: rows must be"), "\(tabulate)")
        let csv = try repl.evaluate("local rows = require('telnyx.csv').read('/nonexistent.csv')")
        #expect(csv.hasPrefix("stdin:1: csv.read:"), "\(csv)")
    }

    /// What the trial itself found: help on any value answers (help(42) raised an error,
    /// help(stream) listed internals), help() ends with its explanation, error messages and
    /// the note after a long result break between words, and a module's argument error shows
    /// none of the module's own frames.
    @Test func helpAnswersAndMessagesFitTheTerminal() throws {
        let repl = try start(width: 60, sandbox: true)
        defer { repl.removeHome() }
        let prompt = "telnyx(sandbox)>"
        #expect(try repl.evaluate("help(42)", prompt: prompt).hasPrefix("A number value."))
        #expect(try repl.evaluate("help(string)", prompt: prompt).hasPrefix("Lua's standard library `string`"))
        let stream = try repl.evaluate("help(telnyx.phone_numbers.list():map(function(n) return n.id end))", prompt: prompt)
        #expect(stream.hasPrefix("A stream") && !stream.contains("_iterate"), "\(stream)")
        let overview = try repl.evaluate("help()", prompt: prompt)
        #expect(overview.hasSuffix("telnyx.texml, telnyx.webhooks"), "\(overview.suffix(200))")
        #expect(allFit(overview, 60))
        let missing = try repl.evaluate("telnyx.phone_numbers.retrieve()", prompt: prompt)
        #expect(missing.contains("(the first argument)") && allFit(missing, 60), "\(missing)")
        let long = try repl.evaluate("telnyx.phone_numbers.list():take(30)", prompt: prompt)
        #expect(long.contains("more lines: the value is in `_`") && allFit(long, 60), "\(long.suffix(200))")
        let tabulate = try repl.evaluate("local n = require('telnyx.tabulate').print(5)", prompt: prompt)
        #expect(!tabulate.contains("tabulate.lua"), "\(tabulate)")
        // A paginator is no array: what a newcomer tries first says what to do instead.
        for code in ["telnyx.phone_numbers.list().data", "telnyx.phone_numbers.list()[1]", "#telnyx.phone_numbers.list()"] {
            let out = try repl.evaluate(code, prompt: prompt)
            #expect(out.hasPrefix("stdin:1: a paginator has no") && out.contains("p:"), "\(code): \(out)")
        }
    }

    /// Completion: a camelCase path lists camelCase names, enum values are listed in both
    /// quotes, help fits a narrow terminal, fields complete after `nums[1].`, and a second Tab
    /// on a complete word leaves the line where it is.
    @Test func completionAndHelpDetails() throws {
        let repl = try start(width: 40)
        defer { repl.removeHome() }
        try repl.type("telnyx.phoneNumbers.")
        try repl.press("Tab", "Tab")
        let listed = try repl.wait(for: "the camelCase list") { $0.contains("csvDownloads.") }
        #expect(!listed.contains("csv_downloads"), "\(listed)")
        try repl.press("C-c")
        try repl.waitForPrompt()
        try repl.type(#"telnyx.calls.dial{stream_track = ""#)
        try repl.press("Tab", "Tab")
        try repl.wait(for: "the enum values, quoted") { $0.contains(#""both_tracks""#) && $0.contains(#""inbound_track""#) }
        try repl.press("C-c")
        try repl.waitForPrompt()
        // Parameters complete after a camelCase path too.
        try repl.type(#"telnyx.phoneNumbers.update("x", {cu"#)
        try repl.press("Tab")
        try repl.wait(for: #"{customer_reference ="#)
        try repl.press("C-c")
        try repl.waitForPrompt()
        // Values and operators complete inside the bracketed dotted keys completion writes.
        try repl.type(#"telnyx.phone_numbers.list{filter = {["voice.usage_payment_method"] = "ch"#)
        try repl.press("Tab")
        try repl.wait(for: #"["voice.usage_payment_method"] = "channel""#)
        try repl.press("C-c")
        try repl.waitForPrompt()
        try repl.type(#"telnyx.phone_numbers.list{filter = {["voice.connection_name"] = {sta"#)
        try repl.press("Tab")
        try repl.wait(for: #"["voice.connection_name"] = {starts_with ="#)
        try repl.press("C-c")
        try repl.waitForPrompt()
        // A `-` inside the value breaks the line editor's word; the value still completes.
        try repl.type(#"telnyx.phone_numbers.list{filter = {status = "purchase-f"#)
        try repl.press("Tab")
        try repl.wait(for: #"status = "purchase-failed""#)
        try repl.press("C-c")
        try repl.waitForPrompt()
        for topic in [#"help "phone_numbers""#, #"help "phone_numbers.list""#, "help()"] {
            let help = try repl.evaluate(topic)
            #expect(allFit(help, 40), "\(topic):\n\(help)")
        }
        _ = try repl.evaluate("nums = {{alpha = 1, beta = {gamma = 2}}}")
        try repl.type("nums[1].al")
        try repl.press("Tab")
        try repl.wait(for: "telnyx> nums[1].alpha")
        try repl.press("C-c")
        try repl.waitForPrompt()
        let before = try repl.screen().components(separatedBy: "telnyx>").count
        try repl.type("nums[1]['beta'].ga")
        try repl.press("Tab")
        try repl.wait(for: "telnyx> nums[1]['beta'].gamma")
        try repl.press("Tab")  // nothing more to add: the line stays on its row
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try repl.screen().components(separatedBy: "telnyx>").count == before)
        try repl.press("Enter")
        try repl.wait(for: "\n2\n")
    }

    /// Spawned tasks run while the prompt waits (the second trial found them moving one step
    /// per Enter): a task's sleeps end and what it prints appears with nothing typed, above a
    /// prompt drawn again with the half-typed line intact.
    @Test func spawnedTasksRunWhileThePromptWaits() throws {
        let repl = try start()
        defer { repl.removeHome() }
        _ = try repl.evaluate("t = telnyx.spawn(function() for i = 1, 3 do telnyx.sleep(0.2) print('tick', i) end return 'ok' end)")
        try repl.type("x = 4")
        let screen = try repl.wait(for: "the three ticks with nothing entered", timeout: 10) { $0.range(of: "tick\\s+3", options: .regularExpression) != nil }
        #expect(screen.range(of: "tick\\s+1[\\s\\S]*tick\\s+2", options: .regularExpression) != nil, "\(screen)")
        let lines = screen.split(separator: "\n")
        #expect(lines.last == "telnyx> x = 4", "the prompt and the typed line come back last: \(screen)")
        try repl.press("Enter")
        #expect(try repl.evaluate("t.status").contains("\"done\""))
    }
}
