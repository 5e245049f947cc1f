/// An XML element of a TeXML document: its name, attributes, text and child elements.
struct XMLElement: Sendable {
    var name: String
    var attributes: [String: String] = [:]
    var children: [XMLElement] = []
    /// The element's own text (not its children's), entities decoded, trimmed.
    var text: String = ""

    func attribute(_ name: String) -> String? { attributes[name] }
}

/// Why a document did not parse, and where.
struct XMLParseError: Error, Sendable {
    let message: String
    let offset: Int
}

/// A small XML parser for TeXML: elements, attributes, text, comments, CDATA, the `<?xml?>`
/// declaration and the five named entities plus numeric ones. No DTDs (refused), no namespaces.
/// Depth and size are bounded, so no document can exhaust the sandbox.
struct MiniXML {
    static let maxBytes = 1 << 20
    static let maxDepth = 64
    private let bytes: [UInt8]
    private var i = 0

    /// The root element of `bytes`.
    static func parse(_ bytes: [UInt8]) throws(XMLParseError) -> XMLElement {
        guard bytes.count <= maxBytes else { throw XMLParseError(message: "the document is larger than \(maxBytes) bytes", offset: 0) }
        var parser = MiniXML(bytes: bytes)
        try parser.skipMisc()
        guard parser.peek == UInt8(ascii: "<") else { throw parser.fail("expected an element") }
        let root = try parser.element(depth: 0)
        try parser.skipMisc()
        guard parser.i == bytes.count else { throw parser.fail("content after the root element") }
        return root
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private func fail(_ message: String) -> XMLParseError { XMLParseError(message: message, offset: i) }

    private func starts(_ text: String) -> Bool {
        let t = Array(text.utf8)
        return i + t.count <= bytes.count && Array(bytes[i..<(i + t.count)]) == t
    }

    private mutating func skip(past text: String) throws(XMLParseError) {
        let t = Array(text.utf8)
        while i + t.count <= bytes.count {
            if Array(bytes[i..<(i + t.count)]) == t {
                i += t.count
                return
            }
            i += 1
        }
        throw fail("unterminated construct (expected \(text))")
    }

    private mutating func skipSpace() {
        while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 }
    }

    /// Whitespace, comments and processing instructions around the root.
    private mutating func skipMisc() throws(XMLParseError) {
        if i == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        while true {
            skipSpace()
            if starts("<?") { try skip(past: "?>") } else if starts("<!--") { try skip(past: "-->") } else if starts("<!") {
                throw fail("DTDs are not accepted")
            } else { return }
        }
    }

    private mutating func name() throws(XMLParseError) -> String {
        let start = i
        while let c = peek, c != 0x20, c != 0x09, c != 0x0A, c != 0x0D, c != UInt8(ascii: ">"), c != UInt8(ascii: "/"),
            c != UInt8(ascii: "="), c != UInt8(ascii: "<")
        {
            i += 1
        }
        guard i > start else { throw fail("expected a name") }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private mutating func element(depth: Int) throws(XMLParseError) -> XMLElement {
        guard depth < Self.maxDepth else { throw fail("elements nested deeper than \(Self.maxDepth)") }
        i += 1  // <
        var element = XMLElement(name: try name())
        while true {
            skipSpace()
            guard let c = peek else { throw fail("unterminated start tag <\(element.name)>") }
            if c == UInt8(ascii: "/") {
                guard starts("/>") else { throw fail("expected />") }
                i += 2
                return element
            }
            if c == UInt8(ascii: ">") {
                i += 1
                break
            }
            let key = try name()
            skipSpace()
            guard peek == UInt8(ascii: "=") else { throw fail("attribute \(key) has no value") }
            i += 1
            skipSpace()
            guard let quote = peek, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { throw fail("attribute \(key) is not quoted") }
            i += 1
            let start = i
            while let q = peek, q != quote {
                guard q != UInt8(ascii: "<") else { throw fail("< in attribute \(key)") }
                i += 1
            }
            guard peek == quote else { throw fail("unterminated attribute \(key)") }
            element.attributes[key] = try decode(bytes[start..<i])
            i += 1
        }
        var text: [UInt8] = []
        while true {
            guard let c = peek else { throw fail("<\(element.name)> is not closed") }
            if c != UInt8(ascii: "<") {
                text.append(c)
                i += 1
            } else if starts("</") {
                i += 2
                let closing = try name()
                guard closing == element.name else { throw fail("</\(closing)> closes <\(element.name)>") }
                skipSpace()
                guard peek == UInt8(ascii: ">") else { throw fail("expected > after </\(closing)") }
                i += 1
                element.text = try decode(text[...]).trimmingSpace
                return element
            } else if starts("<!--") {
                try skip(past: "-->")
            } else if starts("<![CDATA[") {
                i += 9
                let start = i
                try skip(past: "]]>")
                // Kept raw: escape it so `decode` leaves it as it was.
                for b in bytes[start..<(i - 3)] { text.append(contentsOf: b == UInt8(ascii: "&") ? Array("&amp;".utf8) : [b]) }
            } else if starts("<?") {
                try skip(past: "?>")
            } else {
                element.children.append(try self.element(depth: depth + 1))
            }
        }
    }

    /// `raw` with entities decoded.
    private func decode(_ raw: ArraySlice<UInt8>) throws(XMLParseError) -> String {
        guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
        var out = ""
        let text = String(decoding: raw, as: UTF8.self)
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { throw fail("unterminated entity") }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let scalar: UInt32?
                if entity.hasPrefix("#x") { scalar = UInt32(entity.dropFirst(2), radix: 16) } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst())
                } else { scalar = nil }
                guard let value = scalar.flatMap(Unicode.Scalar.init) else { throw fail("unknown entity &\(entity);") }
                out.unicodeScalars.append(value)
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}

extension String {
    /// The text without leading and trailing whitespace.
    var trimmingSpace: String {
        let space: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !space($0) }), let last = lastIndex(where: { !space($0) }) else { return "" }
        return String(self[first...last])
    }
}
