import Foundation
import Telnyx
import TelnyxSandbox

/// Lua source for calls to catalog methods with their required parameters filled from the
/// schema: the first enum value, a plausible string for a name or format, one element for an
/// array, the required members of an object, and a `telnyx.file{...}` for an upload field.
enum LuaSamples {
    /// A Lua string literal for `text`.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for unit in text.utf8 {
            switch unit {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case 0x20..<0x7F: out.append(Character(Unicode.Scalar(unit)))
            default: out += String(format: "\\%03d", unit)
            }
        }
        return out + "\""
    }

    /// A Lua table key: bare when it is a name, else `["..."]`.
    static func key(_ name: String) -> String {
        let isName = name.first.map { $0.isLetter || $0 == "_" } == true
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        return isName && !luaKeywords.contains(name) ? name : "[\(quoted(name))]"
    }

    static let luaKeywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]

    /// The Lua expression of a sample value for `schema`; `upload` marks multipart fields.
    static func value(_ schema: Schema, name: String = "", upload: Bool = false, depth: Int = 0) -> String {
        if let first = schema.enumValues?.first { return literal(first) }
        if upload && schema.format == "binary" {
            return "telnyx.file{data = \"sample bytes\", filename = \"sample.txt\", content_type = \"text/plain\"}"
        }
        switch schema.types.first ?? .any {
        case .object:
            guard depth < 8 else { return "{}" }
            let members = schema.required.sorted().map { member in
                "\(key(member)) = \(value(schema.properties[member] ?? .any, name: member, depth: depth + 1))"
            }
            return "{" + members.joined(separator: ", ") + "}"
        case .array:
            guard let items = schema.items, depth < 8 else { return "{}" }
            return "{" + value(items, name: name, depth: depth + 1) + "}"
        case .integer: return "1"
        case .number: return "1.5"
        case .boolean: return "true"
        case .string, .any:
            return quoted(sampleString(schema.format, name: name))
        }
    }

    /// A string a server would accept for a field of this format or name.
    static func sampleString(_ format: String?, name: String) -> String {
        switch format {
        case "uuid": return "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
        case "date-time": return "2024-01-01T00:00:00Z"
        case "date": return "2024-01-01"
        case "email": return "a@example.com"
        case "uri", "url": return "https://example.com/x"
        default: break
        }
        if name.contains("url") { return "https://example.com/hook" }
        if name.contains("phone_number") || name == "to" || name == "from" { return "+15551234567" }
        return "sample-\(name)"
    }

    /// A JSON scalar (an enum value) as a Lua literal.
    static func literal(_ value: JSONValue) -> String {
        if let text = value.stringValue { return quoted(text) }
        return value.jsonString
    }

    /// The parameters table of a call to `spec`: its required query parameters and body fields,
    /// plus `extra` (keyword path parameters, already Lua expressions).
    static func params(_ spec: MethodSpec, extra: [(String, String)] = []) -> String {
        var members = extra.map { "\(key($0.0)) = \($0.1)" }
        if let query = spec.query {
            for name in query.required.sorted() {
                members.append("\(key(name)) = \(value(query.properties[name] ?? .any, name: name))")
            }
        }
        if let name = spec.bodyParam, let body = spec.body, spec.bodyRequired {
            // The whole body under one name (call_reasons.validate's array, a raw value).
            members.append("\(key(name)) = \(value(body, name: name))")
        } else if let body = spec.body {
            let upload = spec.contentType == "multipart/form-data"
            for name in body.required.sorted() {
                members.append("\(key(name)) = \(value(body.properties[name] ?? .any, name: name, upload: upload))")
            }
        }
        return "{" + members.joined(separator: ", ") + "}"
    }
}
