/// Finds and removes top-level `local` declarations at the start of REPL lines, so that the
/// names outlive the line (see REPLSession).
enum LocalDeclarations {
    /// Names declared by lines starting with `local name, ... =` or `local function name`.
    static func names(in text: String) -> [String] {
        var found: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("local ") else { continue }
            var rest = trimmed.dropFirst("local ".count).drop { $0 == " " }
            if rest.hasPrefix("function ") {
                rest = rest.dropFirst("function ".count).drop { $0 == " " }
                found.append(String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }))
                continue
            }
            let names = rest.prefix { $0 != "=" }
            for name in names.split(separator: ",") {
                let clean = name.trimmingSpaces.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                if !clean.isEmpty { found.append(String(clean)) }
            }
        }
        return found
    }

    /// The text with `local ` removed where `names(in:)` found declarations.
    static func strip(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let indent = line.prefix { $0 == " " || $0 == "\t" }
            let trimmed = line.dropFirst(indent.count)
            guard trimmed.hasPrefix("local ") else { return String(line) }
            return String(indent) + trimmed.dropFirst("local ".count).replacingAttribute
        }.joined(separator: "\n")
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        let start = drop { $0 == " " || $0 == "\t" }
        var end = start.endIndex
        while end > start.startIndex, [" ", "\t"].contains(start[start.index(before: end)]) {
            end = start.index(before: end)
        }
        return start[..<end]
    }

    /// `x <const> = 1` → `x = 1`: attributes only make sense on real locals.
    fileprivate var replacingAttribute: String {
        var s = String(self)
        for attribute in ["<const>", "<close>"] {
            while let r = s.firstRange(of: attribute) { s.removeSubrange(r) }
        }
        return s
    }
}
