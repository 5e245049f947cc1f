/// Checks an API key where it enters the program (the environment, a config file, a
/// `configure` call), so a key that cannot be sent is refused there, with a message naming
/// where it came from, and is never handed to the HTTP library: that library refuses such a
/// header and quotes its value, escaped, in its error, where a redactor looking for the raw key
/// would not find it.
public enum APIKeyCheck {
    /// Why a key was refused; the message names the source, never the key.
    public struct Problem: Error, CustomStringConvertible, Sendable, Equatable {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// The key without the whitespace around it (keys read from files end with a newline), or
    /// a problem when what is left is empty or holds a control character or whitespace.
    /// `source` names where the key came from: "TELNYX_API_KEY", "profile 'default' of PATH".
    public static func clean(_ raw: String, source: String) throws(Problem) -> String {
        let trimmed = trim(raw)
        if trimmed.isEmpty { throw Problem(description: "\(source) is empty") }
        if let problem = problem(trimmed) { throw Problem(description: "\(source) \(problem)") }
        return trimmed
    }

    /// What is wrong with a key as it would be sent ("contains a control character",
    /// "contains whitespace"), or nil when nothing is.
    public static func problem(_ key: String) -> String? {
        for scalar in key.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse:
                return "contains a control character"
            default:
                if scalar.properties.isWhitespace { return "contains whitespace" }
            }
        }
        return nil
    }

    /// `text` without leading and trailing whitespace and control characters.
    static func trim(_ text: String) -> String {
        func blank(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
        }
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, blank(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, blank(last) { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}

extension ClientOptions {
    /// Sets the API key from `raw`, cleaned by `APIKeyCheck`. A key that cannot be sent is not
    /// kept: the options remember why (`apiKeyProblem`), and every request then fails with that
    /// message, naming `source`, instead of sending anything.
    public mutating func setAPIKey(_ raw: String, source: String) {
        do {
            apiKey = try APIKeyCheck.clean(raw, source: source)
            apiKeyProblem = nil
        } catch {
            apiKey = nil
            apiKeyProblem = error.description
        }
    }
}

/// The forms a secret takes when some layer quotes it: escaped as Swift (`debugDescription`)
/// and JSON print control characters, percent-encoding in URLs and form bodies. The redactor
/// masks each of them, so a key with a stray newline is hidden however it is echoed.
enum SecretForms {
    static func of(_ secret: String) -> [String] {
        var forms = [secret, APIKeyCheck.trim(secret)]
        let swift = secret.debugDescription
        forms.append(String(swift.dropFirst().dropLast()))
        var writer = JSONWriter()
        writer.write(.string(secret))
        let json = String(decoding: writer.bytes.dropFirst().dropLast(), as: UTF8.self)
        forms += [json, upperHexEscapes(json), json.replacingAll("/", with: "\\/")]
        forms += [percentEncoded(secret, upper: true), percentEncoded(secret, upper: false)]
        forms.append(percentEncoded(secret, upper: true).replacingAll("%20", with: "+"))
        forms.append(luaQuoted(secret))
        return forms
    }

    /// The inside of Lua's `%q`: a newline as backslash-newline, other control bytes as `\ddd`.
    static func luaQuoted(_ text: String) -> String {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        for (i, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: "\r"): out += Array("\\r".utf8)
            case 0: out += Array("\\0".utf8)
            case 1..<0x20, 0x7F:
                let nextIsDigit = i + 1 < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i + 1])
                let decimal = String(byte)
                out += Array(("\\" + (nextIsDigit ? String(repeating: "0", count: 3 - decimal.count) + decimal : decimal)).utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Every byte but RFC 3986's unreserved characters as `%XX`.
    static func percentEncoded(_ text: String, upper: Bool) -> String {
        let digits = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// JSON's `\u00xx` escapes with upper-case hex digits, as other encoders write them.
    static func upperHexEscapes(_ json: String) -> String {
        var out = ""
        var rest = Substring(json)
        while let range = rest.range(ofText: "\\u") {
            out += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let hex = rest.prefix(4)
            out += hex.uppercased()
            rest = rest.dropFirst(hex.count)
        }
        return out + rest
    }
}
