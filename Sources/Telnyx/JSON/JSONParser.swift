#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Receives the events of a JSON parse. The parser is generic over its sink, so a sink that
/// builds Lua tables (in TelnyxLua) and one that builds `JSONValue`s share one parser, with no
/// intermediate tree for the Lua case.
///
/// Order of events: a scalar is one call; an array is `beginArray`, then per element the
/// element's events followed by `arrayElement(index:)` (1-based), then `endArray`; an object is
/// `beginObject`, then per member `key`, the value's events and `objectMember()`, then `endObject`.
public protocol JSONSink {
    mutating func null() throws
    mutating func bool(_ value: Bool) throws
    mutating func int(_ value: Int64) throws
    mutating func double(_ value: Double) throws
    /// The unescaped bytes of a string value; valid only during the call.
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) throws
    mutating func beginArray() throws
    mutating func arrayElement(index: Int) throws
    mutating func endArray(count: Int) throws
    mutating func beginObject() throws
    /// The unescaped bytes of a member name; valid only during the call.
    mutating func key(_ bytes: UnsafeBufferPointer<UInt8>) throws
    mutating func objectMember() throws
    mutating func endObject(count: Int) throws
}

public enum JSONParserLimits {
    /// Arrays and objects nested deeper than this are an error, never a stack overflow.
    public static let maxDepth = 512
}

/// A JSON syntax error, with the byte offset where it was found.
public struct JSONError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let offset: Int
    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }
    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

/// A strict RFC 8259 parser over a byte buffer. Strings are passed through as bytes (after
/// unescaping), so their UTF-8 is not validated here; `\u` escapes are encoded as UTF-8
/// (lone surrogates as U+FFFD).
public struct JSONParser {
    @usableFromInline let input: UnsafeBufferPointer<UInt8>
    @usableFromInline var position = 0
    @usableFromInline let maxDepth: Int
    @usableFromInline var scratch: [UInt8] = []

    @inlinable
    public init(_ input: UnsafeBufferPointer<UInt8>, maxDepth: Int = JSONParserLimits.maxDepth) {
        self.input = input
        self.maxDepth = maxDepth
    }

    /// Parses one value that must make up the whole input (white space aside).
    @inlinable
    public mutating func parseDocument<Sink: JSONSink>(into sink: inout Sink) throws {
        skipWhitespace()
        try parseValue(into: &sink, depth: 0)
        skipWhitespace()
        if position < input.count { throw fail("unexpected data after the JSON value") }
    }

    @inlinable
    func fail(_ message: String) -> JSONError { JSONError(message, offset: position) }

    @inlinable
    mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    @inlinable
    mutating func parseValue<Sink: JSONSink>(into sink: inout Sink, depth: Int) throws {
        guard position < input.count else { throw fail("unexpected end of input") }
        switch input[position] {
        case UInt8(ascii: "{"): try parseObject(into: &sink, depth: depth + 1)
        case UInt8(ascii: "["): try parseArray(into: &sink, depth: depth + 1)
        case UInt8(ascii: "\""):
            try withString { try sink.string($0) }
        case UInt8(ascii: "t"): try literal("true"); try sink.bool(true)
        case UInt8(ascii: "f"): try literal("false"); try sink.bool(false)
        case UInt8(ascii: "n"): try literal("null"); try sink.null()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber(into: &sink)
        default: throw fail("unexpected character '\(Unicode.Scalar(input[position]))'")
        }
    }

    @inlinable
    mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard position + count <= input.count else { throw fail("unexpected end of input") }
        let base = word.utf8Start
        for i in 0..<count where input[position + i] != base[i] {
            throw fail("invalid literal, expected \(word)")
        }
        position += count
    }

    @inlinable
    mutating func parseArray<Sink: JSONSink>(into sink: inout Sink, depth: Int) throws {
        if depth > maxDepth { throw fail("nesting deeper than \(maxDepth) levels") }
        position += 1
        try sink.beginArray()
        skipWhitespace()
        var count = 0
        if position < input.count, input[position] == UInt8(ascii: "]") {
            position += 1
            try sink.endArray(count: 0)
            return
        }
        while true {
            skipWhitespace()
            try parseValue(into: &sink, depth: depth)
            count += 1
            try sink.arrayElement(index: count)
            skipWhitespace()
            guard position < input.count else { throw fail("unexpected end of input in an array") }
            let c = input[position]
            position += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "]") { break }
            position -= 1
            throw fail("expected ',' or ']' in an array")
        }
        try sink.endArray(count: count)
    }

    @inlinable
    mutating func parseObject<Sink: JSONSink>(into sink: inout Sink, depth: Int) throws {
        if depth > maxDepth { throw fail("nesting deeper than \(maxDepth) levels") }
        position += 1
        try sink.beginObject()
        skipWhitespace()
        var count = 0
        if position < input.count, input[position] == UInt8(ascii: "}") {
            position += 1
            try sink.endObject(count: 0)
            return
        }
        while true {
            skipWhitespace()
            guard position < input.count, input[position] == UInt8(ascii: "\"") else {
                throw fail("expected a member name in quotes")
            }
            try withString { try sink.key($0) }
            skipWhitespace()
            guard position < input.count, input[position] == UInt8(ascii: ":") else {
                throw fail("expected ':' after a member name")
            }
            position += 1
            skipWhitespace()
            try parseValue(into: &sink, depth: depth)
            try sink.objectMember()
            count += 1
            skipWhitespace()
            guard position < input.count else { throw fail("unexpected end of input in an object") }
            let c = input[position]
            position += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "}") { break }
            position -= 1
            throw fail("expected ',' or '}' in an object")
        }
        try sink.endObject(count: count)
    }

    /// Reads the string at `position` (on its opening quote) and hands its unescaped bytes to
    /// `body`: a slice of the input when it has no escapes, else the scratch buffer.
    @inlinable
    mutating func withString(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        position += 1
        let start = position
        // The common case, a string with no escape: scanned eight bytes at a time for a quote,
        // a backslash or a control character (bit tricks on a 64-bit word, exact: a word with
        // none of them has no bit set in `special`), then byte by byte from the first word
        // that may hold one. Byte by byte alone was a tenth of the Lua thread's work per call.
        var end = start
        let count = input.count
        if let base = input.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while end + 8 <= count {
                let word = UnsafeRawPointer(base + end).loadUnaligned(as: UInt64.self)
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
                if special & highs != 0 { break }
                end += 8
            }
        }
        while end < count {
            let c = input[end]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { break }
            end += 1
        }
        position = end
        if end < count && input[end] == UInt8(ascii: "\"") {
            position += 1
            try body(UnsafeBufferPointer(rebasing: input[start..<end]))
            return
        }
        if end < count && input[end] < 0x20 { throw fail("control character in a string") }
        guard position < input.count else { throw fail("unterminated string") }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<position]))
        while position < input.count {
            let c = input[position]
            if c == UInt8(ascii: "\"") {
                position += 1
                try scratch.withUnsafeBufferPointer { try body($0) }
                return
            }
            if c < 0x20 { throw fail("control character in a string") }
            if c != UInt8(ascii: "\\") {
                scratch.append(c)
                position += 1
                continue
            }
            position += 1
            guard position < input.count else { break }
            let e = input[position]
            position += 1
            switch e {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"): try appendUnicodeEscape()
            default:
                position -= 1
                throw fail("invalid escape '\\\(Unicode.Scalar(e))'")
            }
        }
        throw fail("unterminated string")
    }

    @inlinable
    mutating func hex4() throws -> UInt32 {
        guard position + 4 <= input.count else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = input[position]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw fail("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    @inlinable
    mutating func appendUnicodeEscape() throws {
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code) {
            // A high surrogate: combine with a following low one, if any.
            if position + 6 <= input.count, input[position] == UInt8(ascii: "\\"),
                input[position + 1] == UInt8(ascii: "u")
            {
                let saved = position
                position += 2
                let low = try hex4()
                if (0xDC00..<0xE000).contains(low) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    position = saved
                    code = 0xFFFD
                }
            } else {
                code = 0xFFFD
            }
        } else if (0xDC00..<0xE000).contains(code) {
            code = 0xFFFD
        }
        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
        scratch.append(contentsOf: UTF8.encode(scalar)!)
    }

    @inlinable
    mutating func parseNumber<Sink: JSONSink>(into sink: inout Sink) throws {
        let start = position
        var negative = false
        if input[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < input.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[position]) else {
            throw fail("invalid number")
        }
        if input[position] == UInt8(ascii: "0"), position + 1 < input.count,
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[position + 1])
        {
            throw fail("leading zeros are not allowed in numbers")
        }
        // Accumulate negatively so that Int64.min parses exactly.
        var value: Int64 = 0
        var overflow = false
        while position < input.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[position]) {
            let digit = Int64(input[position] - UInt8(ascii: "0"))
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.subtractingReportingOverflow(digit)
            overflow = overflow || o1 || o2
            value = next
            position += 1
        }
        var isFloat = false
        if position < input.count, input[position] == UInt8(ascii: ".") {
            isFloat = true
            position += 1
            let digits = position
            while position < input.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[position]) {
                position += 1
            }
            if position == digits { throw fail("expected digits after '.'") }
        }
        if position < input.count, input[position] | 0x20 == UInt8(ascii: "e") {
            isFloat = true
            position += 1
            if position < input.count, input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-") {
                position += 1
            }
            let digits = position
            while position < input.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[position]) {
                position += 1
            }
            if position == digits { throw fail("expected digits in the exponent") }
        }
        if !isFloat && !overflow && (negative || value != Int64.min) {
            try sink.int(negative ? value : -value)
            return
        }
        try sink.double(parseDouble(from: start, to: position))
    }

    @inlinable
    func parseDouble(from start: Int, to end: Int) -> Double {
        // strtod needs a terminated string; numbers are short, so copy to the stack.
        let length = end - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            for i in 0..<length { buffer[i] = CChar(bitPattern: input[start + i]) }
            buffer[length] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }
}
