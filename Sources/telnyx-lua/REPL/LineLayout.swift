/// Where libedit's prompt and line sit on the screen, for drawing them again after the
/// terminal was resized: how many rows above the cursor the prompt starts once the terminal
/// has re-flowed what libedit drew to the new width.
///
/// libedit draws a line longer than the terminal in rows. A row that ends in a visible
/// character wraps softly (the terminal's own wrap, which a resize re-flows); one that ends in
/// a space is ended with a newline (libedit does not draw trailing blanks), and a terminal
/// never joins rows split that way.
enum LineLayout {
    /// One cell of libedit's layout: whether it shows a visible character (not a space).
    private struct Cell { let visible: Bool }

    /// libedit's rows for `prompt` + `text` in `width` columns, each as its cells: a Tab runs
    /// to the next multiple of 8 (within the row), a control character takes two (`^A`).
    /// Also returns the row and column of the cell after `cursor` characters of `text`.
    private static func rows(prompt: String, text: String, cursor: Int, width: Int)
        -> (rows: [[Cell]], cursorRow: Int, cursorColumn: Int) {
        var rows: [[Cell]] = [[]]
        var cursorAt = (0, 0)
        func put(_ visible: Bool) {
            if rows[rows.count - 1].count >= width { rows.append([]) }
            rows[rows.count - 1].append(Cell(visible: visible))
        }
        func here() -> (Int, Int) {
            let last = rows[rows.count - 1].count
            return last >= width ? (rows.count, 0) : (rows.count - 1, last)
        }
        for scalar in prompt.unicodeScalars where scalar != "\u{1B}" { put(scalar != " ") }
        // (Prompts are plain text here; colour codes, were there any, would be counted.)
        var index = 0
        for scalar in text.unicodeScalars {
            if index == cursor { cursorAt = here() }
            index += 1
            switch scalar.value {
            case 0x09:
                repeat { put(false) } while rows[rows.count - 1].count % 8 != 0 && rows[rows.count - 1].count < width
            case 0..<0x20, 0x7F:
                put(true)
                put(true)
            default:
                put(scalar != " ")
            }
        }
        if index <= cursor { cursorAt = here() }
        return (rows, cursorAt.0, cursorAt.1)
    }

    /// How many rows above the cursor the prompt starts, in `newWidth` columns, when the line
    /// was drawn in `oldWidth` columns and the terminal re-flowed it.
    static func rowsAboveCursor(prompt: String, text: String, cursor: Int, oldWidth: Int, newWidth: Int) -> Int {
        let newWidth = max(newWidth, 1)
        let layout = rows(prompt: prompt, text: text, cursor: cursor, width: max(oldWidth, 1))
        var above = 0
        var run = 0  // cells of the re-flowing run of rows the cursor is in, before its row
        for row in layout.rows.prefix(layout.cursorRow) {
            let drawn = row.lastIndex(where: \.visible).map { $0 + 1 } ?? 0
            let soft = row.count >= oldWidth && drawn == row.count
            if soft {
                run += row.count
            } else {
                // A run of rows ends here: it re-flows to ceil(cells / width) rows, at least one.
                let cells = run + drawn
                above += max(1, (cells + newWidth - 1) / newWidth)
                run = 0
            }
        }
        return above + (run + layout.cursorColumn) / newWidth
    }

    /// Whether a terminal re-flowing what libedit drew in `oldWidth` columns gets what libedit
    /// lays out in any other width: every row but the last wrapped softly (ends in a visible
    /// character), and no Tab or control character, whose cells depend on the width.
    static func reflowsExactly(prompt: String, text: String, oldWidth: Int) -> Bool {
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return false }
        let layout = rows(prompt: prompt, text: text, cursor: 0, width: max(oldWidth, 1))
        return layout.rows.dropLast().allSatisfy { $0.count >= oldWidth && $0.last?.visible == true }
    }
}
