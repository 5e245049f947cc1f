/// Writes compact JSON text into a byte buffer. Used for `JSONValue` and, through its
/// primitives, by the Lua encoder that walks tables directly.
public struct JSONWriter {
    public var bytes: [UInt8] = []

    public init() {}

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: writeNull()
        case .bool(let b): writeBool(b)
        case .int(let i): writeInt(i)
        case .double(let d): writeDouble(d)
        case .string(let s): writeString(s)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            writeObject(members)
        }
    }

    /// Writes `members` as `write` writes an object, except that the value of member `key`
    /// (when present) is written by `writeValue`: the sandbox writes a page's records straight
    /// into their place in the page.
    public mutating func writeObject(
        _ members: [String: JSONValue], replacing key: String? = nil, with writeValue: (inout JSONWriter) -> Void = { _ in }
    ) {
        bytes.append(UInt8(ascii: "{"))
        // Sorted keys: the same value always gives the same text. Compared as UTF-8 bytes
        // (code point order), not with String's `<`, whose Unicode-aware comparison was a
        // third of the sandbox's time per page; the two orders differ only for keys that are
        // not in normal form C.
        let sorted = members.sorted { Self.precedes($0.key, $1.key) }
        for (i, member) in sorted.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            writeString(member.key)
            bytes.append(UInt8(ascii: ":"))
            if member.key == key { writeValue(&self) } else { write(member.value) }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Whether `a` sorts before `b` as UTF-8 bytes, compared in place (the generic
    /// `lexicographicallyPrecedes` on the UTF-8 views was a tenth of a sandbox page's time).
    public static func precedes(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                let common = min(x.count, y.count)
                for i in 0..<common where x[i] != y[i] { return x[i] < y[i] }
                return x.count < y.count
            }
        }
        return (fast ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    public mutating func writeNull() { bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    public mutating func writeBool(_ value: Bool) {
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    public mutating func writeInt(_ value: Int64) { bytes.append(contentsOf: String(value).utf8) }

    /// Writes a finite double so that it reads back as a float: `1.0`, never `1`.
    /// The caller rejects NaN and infinities (JSON has no spelling for them).
    public mutating func writeDouble(_ value: Double) {
        var text = value.description  // shortest text that reads back exactly
        if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { text += ".0" }
        bytes.append(contentsOf: text.utf8)
    }

    public mutating func writeString(_ value: String) {
        var copy = value
        copy.withUTF8 { writeString(bytes: $0) }
    }

    /// Writes bytes as a JSON string; the caller has checked they are valid UTF-8.
    public mutating func writeString(bytes input: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        for i in 0..<input.count {
            let c = input[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C { continue }
            if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<i])) }
            runStart = i + 1
            switch c {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            default:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 0xF)]])
            }
        }
        if runStart < input.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<input.count])) }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func append(_ byte: UInt8) { bytes.append(byte) }
}

/// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
public func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    let n = bytes.count
    while i < n {
        let c = bytes[i]
        if c < 0x80 { i += 1; continue }
        let length: Int
        var minimum: UInt32
        var code: UInt32
        switch c {
        case 0xC2...0xDF: length = 2; code = UInt32(c & 0x1F); minimum = 0x80
        case 0xE0...0xEF: length = 3; code = UInt32(c & 0x0F); minimum = 0x800
        case 0xF0...0xF4: length = 4; code = UInt32(c & 0x07); minimum = 0x10000
        default: return false
        }
        if i + length > n { return false }
        for k in 1..<length {
            let b = bytes[i + k]
            if b & 0xC0 != 0x80 { return false }
            code = code << 6 | UInt32(b & 0x3F)
        }
        if code < minimum || code > 0x10FFFF || (0xD800...0xDFFF).contains(code) { return false }
        i += length
    }
    return true
}
