import Foundation
import Testing

/// The REPL driven through a real terminal (tmux): line input, completion, printing, help,
/// Ctrl-C and history, each test with its own tmux server and temporary HOME.
@Suite struct REPLTests {
    /// Starts a REPL and waits for its first prompt.
    private func start(_ environment: [String: String] = [:], color: Bool = false,
                       prompt: String = "telnyx>", width: Int = 200) throws -> TmuxREPL {
        let repl = try TmuxREPL(environment: environment, color: color, width: width)
        try repl.waitForPrompt(prompt)
        return repl
    }

    private func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }

    @Test func expressionsPrintAndStatementsRun() throws {
        let repl = try start()
        defer { repl.removeHome() }
        #expect(try repl.evaluate("1 + 1") == "2")
        #expect(try repl.evaluate("x = 20") == "")
        // Several values are tab-separated; the terminal shows the tabs as spaces.
        #expect(words(try repl.evaluate("x * 2, 7 // 2, 7 / 2, 2^63")) == ["40", "3", "3.5", "9.2233720368548e+18"])
        #expect(try repl.evaluate("_") == "40")
    }

    @Test func aLocalStaysVisibleOnLaterLines() throws {
        let repl = try start()
        defer { repl.removeHome() }
        #expect(try repl.evaluate("local answer <const> = 41") == "")
        #expect(try repl.evaluate("answer + 1") == "42")
        #expect(try repl.evaluate("local function twice(n) return 2 * n end") == "")
        #expect(try repl.evaluate("twice(answer)") == "82")
        // It is a REPL local, not a global.
        #expect(try repl.evaluate("rawget(_G, 'answer')") == "nil")
    }

    @Test func multiLineFunctionDefinitionContinuesAndKeepsItsOwnLocals() throws {
        let repl = try start()
        defer { repl.removeHome() }
        try repl.enter("function scale(a)")
        try repl.wait(for: "...>")
        try repl.enter("  local y = a * 3")
        try repl.enter("  return y")
        #expect(try repl.evaluate("end") == "")
        #expect(words(try repl.evaluate("scale(5), y")) == ["15", "nil"])
    }

    @Test func errorsPrintAndTheREPLGoesOn() throws {
        let repl = try start()
        defer { repl.removeHome() }
        let out = try repl.evaluate("local function inner() error('kaput') end; inner()")
        #expect(out.hasPrefix("stdin:1: kaput"))
        #expect(out.contains("stack traceback:"))
        #expect(!out.contains("[C]: in ?"))
        #expect(try repl.evaluate("x = = 1").contains("unexpected symbol near '='"))
        #expect(try repl.evaluate("1 + 2") == "3")
    }

    /// Error objects whose __tostring fails, loops or returns a non-string, and the script's own
    /// hooks, must not take the REPL down or be wiped by its next prompt (issue 13).
    @Test func hostileErrorObjectsAndUserHooksSurviveThePrompt() throws {
        let repl = try start()
        defer { repl.removeHome() }
        for code in ["error(setmetatable({}, {__tostring = function() error('inner') end}))",
                     "error(setmetatable({}, {__tostring = function() return {} end}))"] {
            #expect(try repl.evaluate(code).contains("(error object is a table value)"))
        }
        #expect(try repl.evaluate("1 + 1") == "2")
        _ = try repl.evaluate("hits = 0; debug.sethook(function() hits = hits + 1 end, 'l')")
        #expect(try repl.evaluate("(select(2, debug.gethook()))") == "\"l\"")
        #expect(try repl.evaluate("hits > 0") == "true")
        _ = try repl.evaluate("debug.sethook()")
        #expect(try repl.evaluate("debug.gethook()") == "nil")
    }

    @Test func tablesArePrettyPrinted() throws {
        let repl = try start()
        defer { repl.removeHome() }
        #expect(try repl.evaluate(#"{b = {1, 2, 3}, a = "x\ny", n = telnyx.null, 10, [2.5] = true}"#)
                == #"{10, [2.5] = true, a = "x\ny", b = {1, 2, 3}, n = null}"#)
        #expect(try repl.evaluate("t = {name = 'loop'}; t.self = t; return t") == #"{name = "loop", self = <cycle>}"#)
        #expect(try repl.evaluate("setmetatable({}, {__tostring = function() return 'custom!' end})") == "custom!")
        let paginator = #"setmetatable({method = "phone_numbers.list", params = {filter = {tag = "x"}}}, {__name = "telnyx.Paginator", __index = function() error("fetched!") end})"#
        #expect(try repl.evaluate(paginator) == #"<paginator phone_numbers.list {filter = {tag = "x"}}: iterate to fetch>"#)
    }

    @Test func wideTablesBreakIntoLinesThatFitTheTerminal() throws {
        let repl = try start(width: 60)
        defer { repl.removeHome() }
        let out = try repl.evaluate("{zeta = string.rep('z', 30), alpha = {x = 1, y = 2}, list = {1, 2, 3}, more = string.rep('m', 30)}")
        #expect(out == """
            {
              alpha = {x = 1, y = 2},
              list = {1, 2, 3},
              more = "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmm",
              zeta = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            }
            """)
        let long = try repl.evaluate("{string.rep('a', 500)}")
        #expect(long.contains("... (500 bytes)"))
        #expect(long.split(separator: "\n").allSatisfy { $0.count <= 60 })
    }

    @Test func colorsOnATerminalUnlessNoColor() throws {
        let colored = try start(color: true)
        defer { colored.removeHome() }
        try colored.enter("42")
        try colored.wait(for: "coloured 42", escapes: true) { $0.contains("\u{1B}[36m42") }
        let plain = try start()
        defer { plain.removeHome() }
        try plain.enter("42")
        try plain.waitForPrompt(count: 2)
        #expect(!(try plain.screen(escapes: true)).contains("\u{1B}[36m"))
    }

    @Test func tabCompletesResourcePathsAndMethods() throws {
        let repl = try start()
        defer { repl.removeHome() }
        try repl.type("telnyx.phone_nu")
        try repl.press("Tab")
        try repl.wait(for: "telnyx> telnyx.phone_number")
        try repl.press("Tab")  // ambiguous: a second Tab lists the candidates
        try repl.wait(for: "telnyx.phone_numbers_regulatory_requirements.")
        try repl.type("s.retr")
        try repl.press("Tab")
        try repl.wait(for: "telnyx> telnyx.phone_numbers.retrieve")
        try repl.press("C-c")
        // Like a user, type on the fresh prompt (keys typed ahead of ^C may join the old line).
        try repl.waitForPrompt(count: 3)
        try repl.type("string.upp")
        try repl.press("Tab")
        try repl.wait(for: "telnyx> string.upper")
    }

    /// Issue 16, item 5: with a line wider than the terminal, the candidate list is drawn whole
    /// (libedit's own drawing lost its last row, and a one-row enum list entirely), and the line
    /// comes back once, below it.
    @Test func candidateListsSurviveLinesWiderThanTheTerminal() throws {
        let repl = try start(width: 40)  // the prompt and the line: 41 characters
        defer { repl.removeHome() }
        let line = #"telnyx.calls.dial{stream_track = ""#
        try repl.type(line)
        try repl.press("Tab")
        try repl.press("Tab")
        let screen = try repl.wait(for: "the enum list", timeout: 10) { text in
            ["both_tracks\"", "inbound_track\"", "outbound_track\""].allSatisfy { text.contains($0) }
        }
        // The prompt and the line: once above the list (the line typed) and once below it.
        #expect(screen.components(separatedBy: "telnyx> telnyx.calls.dial{stream_track =").count - 1 == 2, "\(screen)")
        try repl.type("in")
        try repl.press("Tab")
        try repl.wait(for: #"stream_track = "inbound_track""#)
        // A word with candidates but nothing to add (`string.`): the line comes back below the
        // list too (a new user found it missing), and typing goes on where the cursor is.
        try repl.press("C-c")
        try repl.waitForPrompt(count: 3)
        try repl.type("string.")
        try repl.press("Tab")
        try repl.press("Tab")
        let listed = try repl.wait(for: "the string library listed, then the line", timeout: 10) { text in
            let rows = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return text.contains("string.upper") && rows.last == "telnyx> string."
        }
        #expect(listed.contains("string.byte"))
        try repl.type("upp")
        try repl.press("Tab")
        try repl.wait(for: "telnyx> string.upper")
    }

    /// Issue 16, items 2 and 8: the JavaScript SDK's camelCase completes and has help, `help "`
    /// completes catalog names, and private entries stay out of lists until `_` is typed.
    @Test func camelCaseHelpStringsAndPrivateNamesComplete() throws {
        let repl = try start()
        defer { repl.removeHome() }
        try repl.type("telnyx.phoneNumbers.retr")
        try repl.press("Tab")
        try repl.wait(for: "telnyx> telnyx.phoneNumbers.retrieve")
        try repl.press("C-c")
        try repl.waitForPrompt(count: 2)
        try repl.type("telnyx.phoneN")
        try repl.press("Tab")
        try repl.wait(for: "telnyx> telnyx.phoneNumbers")
        try repl.press("C-c")
        try repl.waitForPrompt(count: 3)
        try repl.type("help \"phone_numbers.retr")
        try repl.press("Tab")
        try repl.wait(for: #"telnyx> help "phone_numbers.retrieve"#)
        try repl.press("C-c")
        try repl.waitForPrompt(count: 4)
        let help = try repl.evaluate(#"help "phoneNumbers.voice.list""#)
        #expect(help.contains("telnyx.phone_numbers.voice.list"), "\(help)")
        try repl.type("telnyx.")
        try repl.press("Tab")
        try repl.press("Tab")
        let listed = try repl.wait(for: "phone_numbers")
        #expect(!listed.contains("_crypto") && !listed.contains("__"), "\(listed)")
        try repl.press("C-c")
    }

    /// Issue 16, item 3: the API's dotted filter keys complete to Lua that works.
    @Test func dottedFilterKeysCompleteToBracketedKeys() throws {
        let repl = try TmuxREPL(arguments: ["--sandbox"])
        defer { repl.removeHome() }
        let prompt = "telnyx(sandbox)>"
        try repl.waitForPrompt(prompt)
        try repl.type("n = telnyx.phone_numbers.list{filter = {voice.con")
        try repl.press("Tab")
        try repl.wait(for: #"{filter = {["voice.connection_name"] ="#)
        try repl.type(#"{contains = "x"}}}:count()"#)
        try repl.press("Enter")
        try repl.waitForPrompt(prompt, count: 2)
        #expect(try repl.evaluate("math.type(n)", prompt: prompt) == #""integer""#)
    }

    /// Issue 16, item 1: a bracketed paste keeps its Tabs (no completion lists), tab-indented
    /// code pastes as code, and Tab at the start of a line indents.
    @Test func pastedTabsStayTextAndTabIndents() throws {
        let repl = try start()
        defer { repl.removeHome() }
        try repl.type("\u{1B}[200~s = \"a\tb\"\u{1B}[201~")
        try repl.press("Enter")
        try repl.waitForPrompt(count: 2)
        #expect(try repl.evaluate("s == 'a\\tb'") == "true")
        try repl.type("\u{1B}[200~function twice(x)\n\treturn x * 2\nend\u{1B}[201~")
        try repl.press("Enter")
        #expect(try repl.evaluate("twice(21)") == "42")
        try repl.type("if true then")
        try repl.press("Enter")
        try repl.wait(for: "...>")
        try repl.press("Tab")
        try repl.type("x = 1 end")
        try repl.press("Enter")
        #expect(try repl.evaluate("x") == "1")
    }

    /// Issue 16, item 9: methods print as methods, binary strings as escapes, marked arrays as
    /// what they are, and long results collapse.
    @Test func printingShowsWhatValuesAre() throws {
        let repl = try start()
        defer { repl.removeHome() }
        #expect(try repl.evaluate("telnyx.phone_numbers.list").contains("<API method telnyx.phone_numbers.list"))
        #expect(try repl.evaluate(#""\255\254ok""#) == #""\255\254ok""#)
        #expect(try repl.evaluate("telnyx.array()") == "telnyx.array()")
        // 100 records too wide for one line each: about 700 lines, cut to a screen.
        let long = try repl.evaluate("""
            local t = {} for i = 1, 100 do t[i] = {id = i, a = ('a'):rep(60), b = ('b'):rep(60), c = ('c'):rep(60), d = ('d'):rep(60)} end return t
            """)
        #expect(long.contains("more lines: the value is in `_`"), "\(long.suffix(300))")
        #expect(long.split(separator: "\n").count < 120)
        #expect(try repl.evaluate("#_") == "100")
    }

    @Test func tabCompletesParameterNamesNestedKeysAndEnumValues() throws {
        let repl = try start()
        defer { repl.removeHome() }
        try repl.type("telnyx.phone_numbers.list{fi")
        try repl.press("Tab")
        try repl.wait(for: "telnyx> telnyx.phone_numbers.list{filter =")
        try repl.type("{ta")
        try repl.press("Tab")
        try repl.wait(for: "list{filter = {tag =")
        try repl.type("\"x\", status = \"act")
        try repl.press("Tab")
        try repl.wait(for: #"{filter = {tag = "x", status = "active""#)
        // The completed call is valid Lua that is still open: the REPL continues it.
        try repl.type("}}")
        try repl.press("C-c")
        try repl.waitForPrompt(count: 2)
    }

    @Test func completionNeverCallsFunctions() throws {
        let repl = try start()
        defer { repl.removeHome() }
        try repl.evaluate("calls = 0; trap = setmetatable({}, {__index = function(_, k) calls = calls + 1 end})")
        try repl.type("trap.som")
        try repl.press("Tab", "Tab")
        try repl.press("C-c")
        try repl.waitForPrompt(count: 3)
        #expect(try repl.evaluate("calls") == "0")
    }

    @Test func helpDescribesAMethodAndAResource() throws {
        let repl = try start()
        defer { repl.removeHome() }
        let method = try repl.evaluate(#"help "phone_numbers.retrieve""#)
        #expect(method.contains("GET /phone_numbers/{id}"))
        #expect(method.contains("Retrieve a phone number"))
        #expect(method.contains("id  path, 1st argument  string required"))
        #expect(method.contains(#"telnyx.phone_numbers.retrieve("id")"#))
        // Issue 16, item 8: each parameter's one-line description from the spec, members too.
        let speak = try repl.evaluate(#"help "calls.actions.speak""#)
        #expect(speak.contains("The text or SSML to be converted into speech."))
        #expect(speak.contains("Use this field to avoid duplicate commands."))
        let list = try repl.evaluate(#"help "telnyx.phone_numbers.list""#)
        #expect(list.contains("filter"))
        #expect(list.contains(#""purchase-pending""#))
        #expect(list.contains("paginator"))
        // A function value is resolved to its method through telnyx.describe.
        let byValue = try repl.evaluate("help(telnyx.phone_numbers.list)")
        #expect(byValue.hasPrefix("telnyx.phone_numbers.list  GET /phone_numbers"))
        let resource = try repl.evaluate(#"help "phone_numbers""#)
        #expect(resource.contains("Methods:"))
        #expect(resource.contains("retrieve"))
        let overview = try repl.evaluate("help()")
        #expect(overview.contains("messages"))
        #expect(try repl.evaluate(#"help "no_such_thing""#).contains("No API method or resource"))
    }

    @Test func ctrlCInterruptsRunningCodeAndClearsThePrompt() throws {
        let repl = try start()
        defer { repl.removeHome() }
        try repl.enter("while true do end")
        // Give the loop time to start; Ctrl-C must stop it however long it has run.
        Thread.sleep(forTimeInterval: 0.5)
        try repl.press("C-c")
        try repl.wait(for: "interrupted")
        try repl.waitForPrompt(count: 2)
        #expect(try repl.evaluate("print('after' .. 1)") == "after1")
        // At the prompt, Ctrl-C drops the unfinished input instead of running it.
        try repl.type("unfinished(")
        try repl.press("C-c")
        try repl.waitForPrompt(count: 4)
        #expect(try repl.evaluate("1 + 2") == "3")
    }

    @Test func promptAndBannerNameTheSandboxNeverTheKey() throws {
        let key = "KEYbannerSecret0123456789"
        let repl = try start(["TELNYX_BASE_URL": "http://127.0.0.1:9", "TELNYX_API_KEY": key],
                             prompt: "telnyx(sandbox)>")
        defer { repl.removeHome() }
        let screen = try repl.screen()
        #expect(screen.contains("the sandbox"))
        #expect(!screen.contains(key))
        let real = try start(["TELNYX_API_KEY": key])
        defer { real.removeHome() }
        #expect(try real.screen().contains("https://api.telnyx.com/v2"))
        #expect(!(try real.screen()).contains(key))
    }

    @Test func historyIsPrivateSkipsKeysAndComesBack() throws {
        let key = "envSecretValue987654321"
        let repl = try start(["TELNYX_API_KEY": key])
        try repl.evaluate("kept = 1")
        try repl.evaluate(#"k = "KEY0123456789abcdefXYZ""#)
        try repl.evaluate(#"api_key = "abc""#)
        try repl.evaluate("s = '\(key)'")
        try repl.evaluate("print('last')")
        try repl.press("C-d")
        try repl.waitForExit()
        let file = repl.stateHome.appendingPathComponent("telnyx-lua/history")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let contents = try String(contentsOf: file, encoding: .utf8)
        #expect(contents.contains("kept"))
        #expect(contents.contains("print('last')"))
        #expect(!contents.contains("KEY0123456789"))
        #expect(!contents.contains("api_key"))
        #expect(!contents.contains(key))
        // A new session reads it back: Up recalls the last entry.
        let again = try TmuxREPL(environment: ["TELNYX_API_KEY": key], home: repl.home)
        defer { again.removeHome() }
        try again.waitForPrompt()
        try again.press("Up")
        try again.wait(for: "telnyx> print('last')")
    }

    /// Spawned tasks run between prompts (issue 16, item 10), and API errors show none of the
    /// runtime's internal frames (item 4).
    @Test func spawnedTasksRunBetweenPromptsAndErrorsShowUserFramesOnly() throws {
        let repl = try TmuxREPL(arguments: ["--sandbox"])
        defer { repl.removeHome() }
        let prompt = "telnyx(sandbox)>"
        try repl.waitForPrompt(prompt)
        _ = try repl.evaluate("t = telnyx.spawn(function() return telnyx.phone_numbers.list():first().record_type end)", prompt: prompt)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try repl.evaluate("t.status", prompt: prompt) == #""done""#)
        #expect(try repl.evaluate("t:await()", prompt: prompt) == #""phone_number""#)
        let error = try repl.evaluate("local function lookup() return telnyx.phone_numbers.retrieve('nope') end; lookup()", prompt: prompt)
        #expect(error.contains("NotFoundError"))
        #expect(!error.contains("telnyx.runtime") && !error.contains("stdlib/telnyx/runtime"), "\(error)")
    }

    @Test func sandboxRecordsPrintAsNestedTablesAndPaginatorsAreNotFetched() throws {
        let repl = try TmuxREPL(arguments: ["--sandbox"])
        defer { repl.removeHome() }
        try repl.waitForPrompt("telnyx(sandbox)>")
        let prompt = "telnyx(sandbox)>"
        let paginator = try repl.evaluate(#"p = telnyx.phone_numbers.list{filter = {tag = "x"}}; return p"#, prompt: prompt)
        #expect(paginator == #"<paginator phone_numbers.list {filter = {tag = "x"}}: iterate to fetch>"#)
        try repl.evaluate("for n in telnyx.phone_numbers.list() do first = n break end", prompt: prompt)
        let record = try repl.evaluate("telnyx.phone_numbers.retrieve(first.id)", prompt: prompt)
        let lines = record.split(separator: "\n").map(String.init)
        #expect(lines.first == "{")
        #expect(lines.dropFirst().first == "  data = {")
        #expect(lines.contains { $0.hasPrefix("    phone_number = \"+") })
        #expect(lines.contains("    record_type = \"phone_number\","))
        // Keys are sorted.
        let keys = lines.filter { $0.hasPrefix("    ") && !$0.hasPrefix("     ") }.map { $0.split(separator: " ").first ?? "" }
        #expect(keys == keys.sorted())
    }

    @Test func ctrlCCancelsASlowAPICall() throws {
        let repl = try TmuxREPL(arguments: ["--sandbox"])
        defer { repl.removeHome() }
        let prompt = "telnyx(sandbox)>"
        let banner = try repl.waitForPrompt(prompt)
        let base = try #require(banner.firstMatch(of: /http:\/\/127\.0\.0\.1:[0-9]+/)).output
        let slow = try Binaries.run("/usr/bin/curl", ["-sf", "-X", "POST", "-d", #"{"latency_ms": 30000}"#,
                                                      "\(base)/__sandbox/config"])
        #expect(slow.status == 0)
        let started = Date()
        try repl.enter("r = telnyx.phone_numbers.list()()")
        Thread.sleep(forTimeInterval: 0.5)
        try repl.press("C-c")
        try repl.wait(for: "interrupted")
        try repl.waitForPrompt(prompt, count: 2)
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(try repl.evaluate("r", prompt: prompt) == "nil")
    }
}
