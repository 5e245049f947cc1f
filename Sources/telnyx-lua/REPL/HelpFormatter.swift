import Telnyx
import TelnyxLua

/// Writes the text of `help`: the REPL overview, a resource's contents, and a method's route,
/// parameters, result and an example call, all from the catalog.
struct HelpFormatter {
    let catalog: Catalog
    let palette: Palette
    let width: Int

    /// `help()`: the top-level resources, then how the REPL works (last, so that it is what
    /// stays on the screen). Paragraphs flow to the terminal's width.
    func overview() -> String {
        let resources = catalog.children(of: "").resources
        func paragraph(_ text: String) -> String { fitted("  " + text, indent: 2).joined(separator: "\n") }
        return [
            palette.paint("Resources (\(resources.count)); help \"name\" for one:", palette.heading),
            columns(resources),
            "",
            palette.paint("telnyx-lua REPL", palette.heading),
            paragraph("Type Lua: an expression prints its value (1 + 1), statements run, unfinished input "
                      + "continues on a \"...>\" line. A top-level `local` stays visible. The last result is "
                      + "in `_`. Ctrl-C stops running code (or clears the line); Ctrl-D exits."),
            paragraph("Tab completes names, `telnyx.` paths, parameter names inside an API call's table "
                      + "({fi<Tab>) and enum values inside its strings."),
            paragraph("Calls follow the SDK: telnyx.<resource>.<method>(\"id\", {param = value}). "
                      + "help \"resource\" or help \"resource.method\" (or help(telnyx.x.y)) for details."),
            "",
            palette.paint("Beyond the API", palette.heading),
            paragraph("Lists return paginators: for item in telnyx.x.list{} do ... end, or p:take(n), "
                      + "p:first(), p:collect(), p:count(), p:each(f), p:map(f), p:filter(f), p:pages()."),
            paragraph("Tasks: telnyx.spawn(f), t:await(), t:cancel(), telnyx.gather{...}, "
                      + "telnyx.map(items, f, {concurrency = n}), telnyx.sleep(s). "
                      + "help(value) on any of them says more."),
            paragraph("Modules (require \"name\"): " + TelnyxHostInfo.bundledModules.joined(separator: ", ")),
        ].joined(separator: "\n")
    }

    /// `help(paginator)`: what a paginator offers, and the method it walks.
    func paginator(method: String) -> String {
        """
        \(palette.paint("A paginator over telnyx.\(method)", palette.heading)) (nothing is fetched until you walk it)
          for item in p do ... end   every item, page after page
          p:take(n), p:first()       the first n items, the first item
          p:collect(), p:count()     every item in a table, how many there are
          p:each(f)                  f(item) for every item
          p:map(f), p:filter(f)      lazy: a new paginator-like stream
          p:pages()                  page by page ({items = ..., meta = ...})
        help "\(method)" describes the method's parameters.
        """
    }

    /// `help(table)` for a table that is no API resource (a stdlib module, say): its functions.
    func table(functions: [String], fields: [String]) -> String {
        var lines = [palette.paint("A table (not an API resource)", palette.heading)]
        if !functions.isEmpty { lines += fitted("Functions: " + functions.sorted().joined(separator: ", "), indent: 2) }
        if !fields.isEmpty { lines += fitted("Other fields: " + fields.sorted().joined(separator: ", "), indent: 2) }
        lines.append("docs/stdlib.md describes the bundled modules.")
        return lines.joined(separator: "\n")
    }

    /// `help(s)` for a stream (`p:map(f)`, `p:filter(f)`): lazy, with a paginator's methods.
    func stream(_ description: String) -> String {
        """
        \(palette.paint("A stream", palette.heading)) \(description): lazy, nothing is fetched until you walk it
          for item in s do ... end   every item
          s:take(n), s:first()       the first n items, the first item
          s:collect(), s:count()     every item in a table, how many there are
          s:each(f)                  f(item) for every item
          s:map(f), s:filter(f)      another stream
        """
    }

    /// `help(string)` and the like: a table of Lua's standard library.
    func standardLibrary(_ name: String) -> String {
        "Lua's standard library `\(name)`: the Lua 5.4 manual describes it "
            + "(https://www.lua.org/manual/5.4/manual.html#6). \(name).<Tab><Tab> lists its functions."
    }

    /// `help(v)` for a number, boolean or other value help has nothing to say about.
    func otherValue(_ type: String) -> String {
        "A \(type) value. help describes API methods and resources (help \"phone_numbers.list\" "
            + "or help(telnyx.phone_numbers.list)), paginators, tasks, API errors and tables; help() "
            + "explains the REPL."
    }

    /// `help(f)` for a function that is no API method: one of telnyx-lua's (`name` says where it
    /// is kept), or Lua's own or the script's (`name` nil).
    func function(named name: String?) -> String {
        if let name {
            return "\(name): a function of telnyx-lua (not an API method), described in docs/scripting.md "
                + "and docs/stdlib.md; help() lists what telnyx-lua adds."
        }
        return """
            A Lua function (not an API method): Lua's own or the script's. Lua's standard library is
            described in the Lua 5.4 manual (https://www.lua.org/manual/5.4/manual.html#6); help()
            lists what telnyx-lua adds.
            """
    }

    /// `help(task)` for a task of `telnyx.spawn`: its state and what can be done with it.
    /// `failure` is the error it ended with, as text.
    func task(status: String, failure: String?) -> String {
        var lines = [palette.paint("A task (telnyx.spawn)", palette.heading) + ", status \"\(status)\""]
        if let failure { lines += fitted("  failed with: " + palette.paint(failure, palette.error), indent: 4) }
        lines += entries([
            ("t:await()", "waits for it; returns what its function returned, or raises its error"),
            ("t:cancel()", "stops it (a request in flight is aborted); false when it had ended"),
            ("t.status", "\"ready\", \"running\", \"waiting\" (for a request or a sleep), \"done\", \"failed\" or \"cancelled\""),
        ])
        lines += fitted("Tasks run while the REPL waits for input, and while code awaits or sleeps. "
                        + "telnyx.gather(t1, t2) waits for several.", indent: 0)
        return lines.joined(separator: "\n")
    }

    /// `help(err)` for an API error table (raised by a failed call, caught with pcall): its
    /// fields with their values (already rendered), and how to handle it.
    func apiError(type: String, fields: [(name: String, value: String)]) -> String {
        let meaning = [
            "type": "the SDK's error class, to branch on",
            "status": "the HTTP status; nil when no response came",
            "message": "a one-line summary",
            "errors": "the API's error objects: code, title, detail, source",
            "request_id": "the id to quote to Telnyx support",
            "method": "the method that failed",
        ]
        var lines = [palette.paint("An API error (\(type))", palette.heading) + ": a table with these fields"]
        lines += entries(fields.map { field in
            ("err." + field.name, field.value + (meaning[field.name].map { palette.paint("  (\($0))", palette.dim) } ?? ""))
        })
        lines += fitted("tostring(err) is the line an uncaught error prints; error(err, 0) raises it again. "
                        + "docs/scripting.md#errors lists the types.", indent: 0)
        return lines.joined(separator: "\n")
    }

    /// Name and text pairs, the texts aligned after the longest name and wrapped under it.
    private func entries(_ pairs: [(String, String)]) -> [String] {
        let nameWidth = min((pairs.map(\.0.count).max() ?? 0) + 2, 16)
        return pairs.flatMap { fitted("  " + $0.0.padding(nameWidth) + $0.1, indent: 2 + nameWidth) }
    }

    /// `line` broken at spaces to the terminal width, continuation lines indented by `indent`
    /// (so a narrow terminal does not wrap help text back to the first column).
    func fitted(_ line: String, indent: Int) -> [String] { line.fitted(width: width, indent: indent) }

    /// `help "resource"`: its sub-resources and methods with their summaries.
    func resource(_ path: String) -> String {
        let children = catalog.children(of: path)
        var lines = [palette.paint("telnyx.\(path)", palette.heading)]
        if !children.resources.isEmpty {
            lines.append("Sub-resources:")
            lines.append(columns(children.resources))
        }
        if !children.methods.isEmpty {
            lines.append("Methods:")
            let nameWidth = min((children.methods.map(\.count).max() ?? 0) + 2, 28)
            for name in children.methods {
                guard let spec = catalog.method(named: path + "." + name) else { continue }
                let padded = name.padding(nameWidth)
                let route = "\(spec.http) \(spec.route)"
                let summary = spec.summary.map { "  " + $0 } ?? ""
                lines += fitted("  " + padded + route + palette.paint(summary, palette.dim), indent: 2 + nameWidth)
            }
        }
        lines += fitted("help \"\(path).<method>\" describes a method.", indent: 2)
        return lines.joined(separator: "\n")
    }

    /// `help "resource.method"`: verb and route, summary, parameters, result and an example.
    func method(_ spec: MethodSpec) -> String {
        var lines: [String] = []
        lines += fitted(palette.paint("telnyx.\(spec.fullName)", palette.heading) + "  " + spec.http + " " + spec.route, indent: 2)
        if let summary = spec.summary { lines += fitted("  " + summary, indent: 2) }
        let parameters = MethodParameters(spec)
        if parameters.all.isEmpty {
            lines.append("Parameters: none")
        } else {
            lines.append("Parameters:")
            let nameWidth = min((parameters.all.map(\.name.count).max() ?? 0) + 2, 30)
            let docs = ParameterDocs.of(spec.fullName)
            for parameter in parameters.all {
                var where_ = parameter.location.rawValue
                if parameter.positional { where_ += ", 1st argument" }
                let required = parameter.required ? palette.paint(" required", palette.error) : ""
                lines += fitted("  " + parameter.name.padding(nameWidth) + "\(where_)  \(typeText(parameter.schema))" + required,
                                indent: 2 + nameWidth)
                lines += described(docs[parameter.name], indent: 4)
                lines += details(parameter.schema, indent: 4, depth: 1, path: parameter.name, docs: docs)
            }
        }
        lines += fitted("Returns: " + resultText(spec.result), indent: 2)
        lines.append("Example:")
        lines += fitted("  " + palette.paint(MethodDescription.example(spec), palette.string), indent: 4)
        return lines.joined(separator: "\n")
    }

    /// Enum values and, for objects, their members (two levels, then `{...}`), each level
    /// indented two more columns than its parent.
    /// A parameter's one-line description, dimmed and wrapped under it (nothing when the spec
    /// has none).
    private func described(_ text: String?, indent: Int) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        return wrap(text, indent: indent).map { palette.paint($0, palette.dim) }
    }

    private func details(_ schema: Schema, indent: Int, depth: Int, path: String, docs: [String: String]) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        if let values = schema.enumValues ?? schema.items?.enumValues, !values.isEmpty {
            let shown = values.prefix(16).map(jsonText).joined(separator: ", ")
            let text = "one of: " + shown + (values.count > 16 ? ", ... (\(values.count) in all)" : "")
            lines += wrap(text, indent: indent + 2)
        }
        let members = schema.properties.isEmpty ? schema.items?.properties ?? [:] : schema.properties
        let required = schema.properties.isEmpty ? schema.items?.required ?? [] : schema.required
        guard !members.isEmpty else { return lines }
        if depth > 2 { return lines + [pad + "{...}"] }
        let nameWidth = min((members.keys.map(\.count).max() ?? 0) + 2, 30)
        for name in members.keys.sorted() {
            let member = members[name]!
            let mark = required.contains(name) ? palette.paint(" required", palette.error) : ""
            lines += fitted(pad + name.padding(nameWidth) + typeText(member) + mark, indent: indent + nameWidth)
            lines += described(docs[path + "." + name], indent: indent + 2)
            lines += details(member, indent: indent + 2, depth: depth + 1, path: path + "." + name, docs: docs)
        }
        return lines
    }

    /// `text` broken at spaces into lines of the terminal width, each indented.
    private func wrap(_ text: String, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        let limit = max(width - indent, 20)
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > limit {
                lines.append(pad + line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(pad + line) }
        return lines
    }

    /// `string`, `integer|null`, `array of string`, `string (date-time)`.
    func typeText(_ schema: Schema) -> String {
        var text = schema.types.map { type -> String in
            if type == .array, let items = schema.items { return "array of " + typeText(items) }
            return type.rawValue
        }.joined(separator: "|")
        if schema.nullable { text += "|null" }
        if let format = schema.format { text += " (\(format))" }
        return text
    }

    private func resultText(_ result: ResultKind) -> String {
        switch result {
        case .json: return "a table (the decoded JSON response)"
        case .none: return "nothing (no response body)"
        case .binary: return "a string (the file's bytes)"
        case .page(let scheme):
            return "a paginator (\(scheme.rawValue)): iterating it fetches page after page"
        case .texml(let key):
            return "a paginator over `\(key)` (TeXML pages): iterating it fetches page after page"
        }
    }

    private func jsonText(_ value: JSONValue) -> String {
        if let s = value.stringValue { return "\"\(s)\"" }
        return value.jsonString
    }

    /// Names laid out in columns across the terminal.
    private func columns(_ names: [String]) -> String {
        guard let longest = names.map(\.count).max() else { return "  (none)" }
        let cell = longest + 2
        let perLine = max(1, (width - 2) / cell)
        var lines: [String] = []
        var index = 0
        while index < names.count {
            let row = names[index..<min(index + perLine, names.count)]
            lines.append("  " + row.map { $0.padding(cell) }.joined().trimmingTrailingSpaces)
            index += perLine
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// The string padded with spaces to `width` characters (at least one space after).
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }

    fileprivate var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
