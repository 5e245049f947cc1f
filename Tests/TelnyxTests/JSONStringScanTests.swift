import Telnyx
import Testing

/// Strings are scanned eight bytes at a time for a quote, a backslash or a control character,
/// then byte by byte: every such byte, at every offset around the word boundaries, must be
/// found exactly where it is.
@Suite struct JSONStringScanTests {
    private static func parse(_ bytes: [UInt8]) -> Result<JSONValue, JSONError> {
        Result { try JSONValue.parse(bytes) }.mapError { $0 as! JSONError }
    }

    private static let plain = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

    @Test func everyOffsetAroundTheWordsIsFound() throws {
        for length in 0...33 {
            let text = Array(Self.plain.prefix(length))
            // Plain, then closed: the string is exactly its bytes, and the value after it is read.
            #expect(try Self.parse([0x22] + text + [0x22]).get() == .string(String(decoding: text, as: UTF8.self)))
            #expect(try Self.parse(Array("[\"".utf8) + text + Array("\",1]".utf8)).get()
                == .array([.string(String(decoding: text, as: UTF8.self)), .int(1)]))
            // Unterminated.
            guard case .failure(let open) = Self.parse([0x22] + text) else {
                Issue.record("an unterminated string of \(length) bytes parsed")
                continue
            }
            #expect(open.message == "unterminated string")
            for offset in 0...length {
                var escaped = text
                escaped.insert(contentsOf: Array("\\n".utf8), at: offset)
                var expected = text
                expected.insert(0x0A, at: offset)
                #expect(try Self.parse([0x22] + escaped + [0x22]).get() == .string(String(decoding: expected, as: UTF8.self)))

                var control = text
                control.insert(0x01, at: offset)
                guard case .failure(let error) = Self.parse([0x22] + control + [0x22]) else {
                    Issue.record("a control character at \(offset) of \(length) bytes parsed")
                    continue
                }
                #expect(error.message == "control character in a string" && error.offset == offset + 1)

                var accented = text
                accented.insert(contentsOf: Array("é".utf8), at: offset)
                #expect(try Self.parse([0x22] + accented + [0x22]).get() == .string(String(decoding: accented, as: UTF8.self)))
            }
        }
    }
}
