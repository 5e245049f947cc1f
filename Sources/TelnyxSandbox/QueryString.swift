import Telnyx

/// Decodes `%XX` escapes (and `+` as a space when `plusIsSpace`); malformed escapes stay as typed.
func percentDecode(_ text: Substring, plusIsSpace: Bool = false) -> String {
    guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
        return String(text)
    }
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    var bytes = text.utf8.makeIterator()
    func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
    while let b = bytes.next() {
        if b == UInt8(ascii: "+") && plusIsSpace {
            out.append(UInt8(ascii: " "))
        } else if b == UInt8(ascii: "%"), let h = bytes.next(), let l = bytes.next() {
            if let hv = hex(h), let lv = hex(l) {
                out.append(hv << 4 | lv)
            } else {
                out.append(contentsOf: [b, h, l])
            }
        } else {
            out.append(b)
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// A parsed query string: the pairs in order, and the same nested by brackets
/// (`filter[tag]=a` gives `{"filter": {"tag": "a"}}`), which is how the catalog describes them.
struct QueryString: Sendable {
    /// (name, value) pairs, decoded, in the order sent.
    let pairs: [(String, String)]

    init(_ raw: Substring?) {
        guard let raw, !raw.isEmpty else {
            pairs = []
            return
        }
        pairs = raw.split(separator: "&").map { part in
            if let eq = part.firstIndex(of: "=") {
                return (percentDecode(part[..<eq], plusIsSpace: true),
                        percentDecode(part[part.index(after: eq)...], plusIsSpace: true))
            }
            return (percentDecode(part, plusIsSpace: true), "")
        }
    }

    /// The last value sent for `name`.
    subscript(name: String) -> String? {
        pairs.last { $0.0 == name }?.1
    }

    /// The first value among several spellings of one parameter.
    func first(_ names: String...) -> String? {
        for name in names { if let v = self[name] { return v } }
        return nil
    }

    /// Brackets nested deeper than this stay as text in the last key: nesting is walked
    /// recursively, and `filter[a][a]...` 20,000 deep (60 KB, well within a request head)
    /// overflowed the stack and killed the sandbox.
    static let maxNesting = 16

    /// The pairs nested by their bracketed keys; repeated names become arrays.
    var nested: [String: JSONValue] {
        var root: [String: JSONValue] = [:]
        for (name, value) in pairs {
            var keys: [String]
            if let open = name.firstIndex(of: "[") {
                keys = [String(name[..<open])]
                var rest = name[open...]
                while rest.first == "[", let close = rest.firstIndex(of: "]") {
                    keys.append(String(rest[rest.index(after: rest.startIndex)..<close]))
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                keys = [name]
            }
            if keys.count > Self.maxNesting {
                let rest = keys[(Self.maxNesting - 1)...].joined(separator: "][")
                keys = Array(keys.prefix(Self.maxNesting - 1)) + [rest]
            }
            Self.insert(&root, keys[...], value)
        }
        return root
    }

    private static func insert(_ object: inout [String: JSONValue], _ keys: ArraySlice<String>, _ value: String) {
        guard let key = keys.first else { return }
        if keys.count == 1 || keys.dropFirst().first == "" {
            switch object[key] {
            case .string(let old)?: object[key] = .array([.string(old), .string(value)])
            case .array(var items)?:
                items.append(.string(value))
                object[key] = .array(items)
            default: object[key] = .string(value)
            }
            return
        }
        var child = object[key]?.objectValue ?? [:]
        insert(&child, keys.dropFirst(), value)
        object[key] = .object(child)
    }

    /// The query text with `name` set to `value` (replacing earlier values), keeping the rest:
    /// how a next-page link repeats the caller's filters and page size.
    func replacing(_ name: String, with value: String) -> String {
        var out = pairs.filter { $0.0 != name }
        out.append((name, value))
        return out.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
    }
}

/// Escapes everything but unreserved characters and brackets (kept readable in page links).
func percentEncode(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"), UInt8(ascii: "["), UInt8(ascii: "]"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            let digits = Array("0123456789ABCDEF".utf8)
            out += "%"
            out.unicodeScalars.append(Unicode.Scalar(digits[Int(byte >> 4)]))
            out.unicodeScalars.append(Unicode.Scalar(digits[Int(byte & 15)]))
        }
    }
    return out
}
