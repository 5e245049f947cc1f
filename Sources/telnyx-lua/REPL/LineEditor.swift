#if canImport(Glibc)
import Glibc
#endif
@preconcurrency import CEditline
import LuaShims

/// libedit's readline-compatible line editor: prompts, Tab completion and Ctrl-C at the prompt.
/// libedit calls back through C function pointers that cannot capture anything, so the one
/// editor of the process is reachable through a static.
final class LineEditor {
    /// What `readLine` got.
    enum Input {
        case line(String)
        /// Ctrl-C at the prompt: the line (and any pending continuation lines) is dropped.
        case interrupted
        case endOfInput
    }

    /// Gives completion candidates for (word, text before the word).
    typealias CompletionSource = (_ word: String, _ before: String) -> [String]

    /// The editor libedit's callbacks reach. Only the REPL's thread ever touches it, and only
    /// while it is inside `readline`.
    nonisolated(unsafe) private static var current: LineEditor?

    private let complete: CompletionSource
    /// Inside a bracketed paste (the terminal wraps pasted text in ESC[200~ ... ESC[201~): a Tab
    /// there is text, not a request to complete.
    nonisolated(unsafe) private static var pasting = false
    /// Bytes read ahead while telling a paste marker from other escape sequences.
    nonisolated(unsafe) private static var pushedBack: [UInt8] = []
    /// Lines of the chunk read so far (before the current line), for completion context.
    var pendingText = ""
    /// The text before the word, and the word, that the last Tab left ambiguous: a Tab there
    /// again lists the candidates.
    private var lastUnfinishedTab: String?

    init(complete: @escaping CompletionSource) {
        self.complete = complete
        // libedit decodes and echoes multibyte input by the locale's character type; numbers
        // (LC_NUMERIC) stay as Lua prints them.
        setlocale(LC_CTYPE, "")
        rl_readline_name = UnsafePointer(strdup("telnyx-lua"))
        // `.` and `:` are not word breaks, so `telnyx.phone_nu` completes as one word; brackets,
        // operators and quotes are, so a key after `{` or a value inside `"` is its own word.
        rl_basic_word_break_characters = UnsafePointer(strdup(" \t\n\"\\'`@$><=;|&{(,)}[]+-*/%^~#"))
        rl_attempted_completion_function = { text, start, _ in
            LineEditor.current?.completionMatches(text.map { String(cString: $0) } ?? "", start: Int(start))
        }
        // libedit's own signal handlers would re-raise SIGINT to the process group; the prompt
        // installs its own handler instead (see readLine).
        rl_catch_signals = 0
        // Reading keys ourselves lets a Ctrl-C that arrives while libedit is busy (redrawing a
        // completion, say) end the line too, not only one that interrupts a blocked read.
        rl_getc_function = { _ in LineEditor.readCharacter() }
        // A parent that blocked SIGINT (some launchers and test runners do) would make Ctrl-C
        // do nothing at all.
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        sigprocmask(SIG_UNBLOCK, &interrupt, nil)
        LineEditor.current = self
    }

    /// Reads one line with `prompt`.
    func readLine(prompt: String) -> Input {
        if isatty(0) == 0 { return Self.readPlainLine(prompt: prompt) }
        tl_clear_interrupt()
        Self.bindRedrawKey()
        Self.prompt = prompt
        // Bracketed paste on while the line is edited, off while code runs.
        Self.writeTerminal("\u{1B}[?2004h")
        defer { Self.writeTerminal("\u{1B}[?2004l") }
        let previous = Self.installPromptInterruptHandler()
        defer { sigaction(SIGINT, [previous], nil) }
        guard let raw = readline(prompt) else {
            if tl_interrupt_requested() != 0 {
                tl_clear_interrupt()
                return .interrupted
            }
            return .endOfInput
        }
        defer { free(raw) }
        return .line(String(cString: raw))
    }

    /// Input that is not a terminal (a file, a pipe): the prompt and the line read are written
    /// to stdout, as lua built with GNU readline shows them, so a transcript reads as a session.
    private static func readPlainLine(prompt: String) -> Input {
        print(prompt, terminator: "")
        fflush(nil)
        var bytes: [UInt8] = []
        var ended = false
        while let byte = readByte() {
            if byte == UInt8(ascii: "\n") {
                ended = true
                break
            }
            bytes.append(byte)
        }
        if !ended && bytes.isEmpty { return .endOfInput }
        let line = String(decoding: bytes, as: UTF8.self)
        print(line)
        return .line(line)
    }

    /// The next character typed, as a Unicode code point (libedit takes the result as a wide
    /// character); -1 at end of input or once Ctrl-C was pressed, which ends `readline`.
    private static func readCharacter() -> Int32 {
        guard var lead = nextByte() else { return -1 }
        // Paste markers are consumed here; libedit never sees them.
        while lead == 0x1B, let marker = pasteMarker() {
            pasting = marker
            guard let next = nextByte() else { return -1 }
            lead = next
        }
        let length = lead < 0x80 ? 1 : lead >> 5 == 0x6 ? 2 : lead >> 4 == 0xE ? 3 : lead >> 3 == 0x1E ? 4 : 1
        guard length > 1 else { return Int32(lead) }
        var scalar = UInt32(lead) & (0xFF >> (length + 1))
        for _ in 1..<length {
            guard let next = nextByte() else { return -1 }
            scalar = scalar << 6 | UInt32(next & 0x3F)
        }
        return Int32(bitPattern: scalar)
    }

    /// One byte of stdin, waking every 100 ms to notice a Ctrl-C whose signal did not
    /// interrupt the read; nil at end of input or on Ctrl-C.
    /// After an ESC: true or false when the bytes that follow are `[200~` (paste starts) or
    /// `[201~` (paste ends), consumed; nil otherwise, with the bytes read kept for later.
    private static func pasteMarker() -> Bool? {
        var seen: [UInt8] = []
        for expected in Array("[20".utf8) {
            guard let byte = nextByte(waitingAtMost: 50) else { break }
            seen.append(byte)
            if byte != expected { break }
        }
        if seen == Array("[20".utf8), let digit = nextByte(waitingAtMost: 50) {
            seen.append(digit)
            if digit == UInt8(ascii: "0") || digit == UInt8(ascii: "1"), let tilde = nextByte(waitingAtMost: 50) {
                seen.append(tilde)
                if tilde == UInt8(ascii: "~") { return digit == UInt8(ascii: "0") }
            }
        }
        pushedBack = seen + pushedBack
        return nil
    }

    /// The next byte: one read ahead first, else from stdin (see readByte); with a wait limit
    /// in milliseconds, nil when nothing came by then.
    private static func nextByte(waitingAtMost milliseconds: Int32? = nil) -> UInt8? {
        if !pushedBack.isEmpty { return pushedBack.removeFirst() }
        if let milliseconds {
            var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, milliseconds) > 0 else { return nil }
        }
        return readByte()
    }

    private static func writeTerminal(_ text: String) {
        var copy = text
        copy.withUTF8 { _ = write(1, $0.baseAddress, $0.count) }
    }

    /// The terminal's width when last seen: a change (the window was resized) makes libedit
    /// re-measure, so editing after a resize redraws cleanly. (Watched here, where the read
    /// wakes every 100 ms, rather than with a SIGWINCH handler of libedit's, which would also
    /// take over SIGINT.)
    nonisolated(unsafe) private static var knownWidth = 0

    private static func readByte() -> UInt8? {
        while true {
            if tl_interrupt_requested() != 0 { return nil }
            let width = Terminal.width
            if width != knownWidth {
                let resized = knownWidth != 0
                previousWidth = knownWidth
                knownWidth = width
                // The redraw key makes libedit call redrawAfterResize between keys, where the
                // line and the cursor's place in it are known.
                if resized && redrawBound { return UInt8(redrawKey) }
                if resized { rl_resize_terminal() }
            }
            var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 100)
            // Nothing typed for a while: the idle key makes libedit call runIdleWork between
            // keys, where the line is known and can be taken off the screen and drawn again.
            if ready == 0, redrawBound, let work = idleWork, work.isDue() { return UInt8(idleKey) }
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            var byte: UInt8 = 0
            let n = read(0, &byte, 1)
            if n == 1 { return byte }
            if n < 0 && errno == EINTR { continue }
            return nil
        }
    }

    /// Ctrl-]: draws the prompt and the line again. The editor sends it to itself when the
    /// terminal's width changed (a user may press it too).
    private static let redrawKey: Int32 = 0x1D
    nonisolated(unsafe) private static var redrawBound = false
    /// The prompt being edited (for measuring where the line starts after a resize).
    nonisolated(unsafe) private static var prompt = ""

    /// Binds the redraw key, once libedit's state exists.
    private static func bindRedrawKey() {
        guard !redrawBound else { return }
        redrawBound = true
        using_history()  // creates libedit's state if nothing did yet (it is made once)
        // libedit keeps the name's pointer: a copy that lives as long as the process.
        _ = rl_add_defun(strdup("telnyx-redraw"), { _, _ in
            LineEditor.redrawAfterResize()
            return 0
        }, redrawKey)
        _ = rl_add_defun(strdup("telnyx-idle"), { _, _ in
            LineEditor.runIdleWork()
            return 0
        }, idleKey)
    }

    /// Work to do while waiting for a key (the REPL's spawned tasks): `isDue` is asked each
    /// time the terminal has been quiet for 100 ms, and when it says yes `run` runs.
    struct IdleWork {
        let isDue: () -> Bool
        let run: () -> Void
    }

    nonisolated(unsafe) static var idleWork: IdleWork?

    /// Ctrl-^: runs the idle work. The editor sends it to itself (see readByte).
    private static let idleKey: Int32 = 0x1E

    /// Takes the prompt and the line off the screen, runs the idle work (whatever a task prints
    /// lands where the prompt was), then draws the prompt and the line again below it.
    private static func runIdleWork() {
        guard let work = idleWork else { return }
        let bytes = rl_line_buffer.map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
        let text = String(decoding: bytes, as: UTF8.self)
        let cursor = String(decoding: bytes.prefix(max(0, Int(rl_point))), as: UTF8.self).unicodeScalars.count
        let width = max(Terminal.width, 1)
        let rows = LineLayout.rowsAboveCursor(prompt: prompt, text: text, cursor: cursor, oldWidth: width, newWidth: width)
        writeTerminal("\r" + (rows > 0 ? "\u{1B}[\(rows)A" : "") + "\u{1B}[J")
        work.run()
        fflush(nil)
        rl_forced_update_display()
    }

    /// After the width changed: libedit measures the terminal again and its idea of the screen
    /// is brought up to date. libedit on its own drew the line again from the cursor's row,
    /// leaving the rows above it from the old layout on the screen.
    ///
    /// When the terminal re-flowed the line exactly as libedit now lays it out (LineLayout),
    /// the screen is right already: libedit draws into /dev/null, so that it knows what is
    /// there. Otherwise the cursor goes back to where the prompt now starts, the screen below
    /// is cleared, and the prompt and line are drawn again.
    private static func redrawAfterResize() {
        rl_resize_terminal()
        // rl_line_buffer and rl_point (bytes) were brought up to date before this was called.
        let bytes = rl_line_buffer.map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
        let text = String(decoding: bytes, as: UTF8.self)
        let cursor = String(decoding: bytes.prefix(max(0, Int(rl_point))), as: UTF8.self).unicodeScalars.count
        if LineLayout.reflowsExactly(prompt: prompt, text: text, oldWidth: previousWidth) {
            fflush(stdout)
            let saved = dup(1)
            let null = open("/dev/null", O_WRONLY)
            if saved >= 0, null >= 0 {
                dup2(null, 1)
                rl_forced_update_display()
                fflush(stdout)
                dup2(saved, 1)
            }
            if null >= 0 { close(null) }
            if saved >= 0 { close(saved) }
            return
        }
        let rows = LineLayout.rowsAboveCursor(prompt: prompt, text: text, cursor: cursor,
                                              oldWidth: previousWidth, newWidth: max(Terminal.width, 1))
        writeTerminal("\r" + (rows > 0 ? "\u{1B}[\(rows)A" : "") + "\u{1B}[J")
        rl_forced_update_display()
    }

    /// The width before the last change.
    nonisolated(unsafe) private static var previousWidth = 0

    /// A SIGINT handler without SA_RESTART: the terminal read inside libedit fails with EINTR,
    /// so `readline` returns, and the flag tells that apart from end of input.
    private static func installPromptInterruptHandler() -> sigaction {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in tl_request_interrupt() }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        var previous = sigaction()
        sigaction(SIGINT, &action, &previous)
        return previous
    }

    /// Builds libedit's match array: the common prefix to insert first, then the matches,
    /// NULL-terminated, all malloc'ed (libedit frees them).
    private func completionMatches(_ word: String, start: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        rl_attempted_completion_over = 1
        rl_completion_append_character = 0
        let line = rl_line_buffer.map { String(cString: $0) } ?? ""
        // `start` counts characters (libedit works on wide characters), not bytes.
        let lineBefore = String(String.UnicodeScalarView(line.unicodeScalars.prefix(start)))
        // A Tab inside a paste, or at the start of a line (indentation), is a Tab. It is given
        // to libedit as the one match (the word followed by a Tab), so libedit inserts it and
        // redraws the line: a Tab inserted behind its back (rl_insert_text) took no room on
        // the screen until the next redraw.
        if Self.pasting || (word.isEmpty && lineBefore.allSatisfy { $0 == " " || $0 == "\t" }) {
            lastUnfinishedTab = nil
            return Self.matchList(word + "\t")
        }
        let before = pendingText.isEmpty ? lineBefore : pendingText + "\n" + lineBefore
        let matches = complete(word, before)
        guard !matches.isEmpty else { return nil }
        // The text that replaces the word: the one match, else what all matches share (the word
        // itself when some do not start with it, as `["a.b"] = ` for `a`: the list shows them).
        let shared = matches.allSatisfy { $0.hasPrefix(word) } ? Self.commonPrefix(matches) : word
        let insert = matches.count == 1 ? matches[0] : shared
        if matches.count > 1 {
            // Listed when the Tab before left this very word ambiguous (after inserting what the
            // candidates share, or finding nothing to insert), as readline does. The list is
            // drawn here: libedit's own drawing lost its last row when the line was wider than
            // the terminal.
            if shared == word && lastUnfinishedTab == lineBefore + "\u{0}" + word {
                lastUnfinishedTab = nil
                showCandidates(matches)
            } else {
                lastUnfinishedTab = lineBefore + "\u{0}" + shared
            }
        } else {
            lastUnfinishedTab = nil
        }
        // Nothing to insert: libedit is given no match, so it leaves the line (and the screen)
        // alone; with an empty match it would draw the line again on its own.
        if insert.isEmpty { return nil }
        // One match only, so libedit inserts it and lists nothing.
        return Self.matchList(insert)
    }

    /// libedit's match array holding `match` only, malloc'ed (libedit frees it): the text to
    /// insert, the one match (the same), NULL. libedit reads the third entry to tell a single
    /// match; with two entries it read past the array and, on a second Tab, could take the
    /// word for ambiguous and draw the line again on a new row.
    private static func matchList(_ match: String) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let list = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * 3)!
            .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: 3)
        list[0] = strdup(match)
        list[1] = strdup(match)
        list[2] = nil
        return list
    }

    /// Prints `matches` in columns below the line, then has libedit draw the prompt and the
    /// line again below them (EL_REFRESH), so nothing is drawn over.
    private func showCandidates(_ matches: [String]) {
        let matches = matches.map(Self.listed)
        let width = max(Terminal.width, 20)
        let cell = min((matches.map(\.count).max() ?? 0) + 2, width)
        let columns = max(1, width / cell)
        let rows = (matches.count + columns - 1) / columns
        var text = "\n"
        for row in 0..<rows {
            var line = ""
            for column in 0..<columns {
                let index = column * rows + row
                guard index < matches.count else { break }
                let entry = matches[index]
                line += column == columns - 1 || index + rows >= matches.count
                    ? entry : entry + String(repeating: " ", count: max(cell - entry.count, 1))
            }
            text += line + "\n"
        }
        Console.write(text)
        rl_forced_update_display()
    }

    /// How a candidate reads in the list: an enum value completes after its opening quote
    /// (`active"`), and is listed with both quotes (`"active"`).
    static func listed(_ match: String) -> String {
        guard let quote = match.last, quote == "\"" || quote == "'", !match.dropLast().contains(quote) else { return match }
        return String(quote) + match
    }

    /// The longest prefix all `strings` share (by characters).
    static func commonPrefix(_ strings: [String]) -> String {
        guard var prefix = strings.first.map({ Array($0) }) else { return "" }
        for s in strings.dropFirst() {
            let chars = Array(s)
            var n = 0
            while n < prefix.count, n < chars.count, prefix[n] == chars[n] { n += 1 }
            prefix = Array(prefix.prefix(n))
        }
        return String(prefix)
    }
}
