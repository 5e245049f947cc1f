/// Standard base64 (RFC 4648 alphabet), written here so the binary needs no Foundation: the
/// Basic credentials header, webhook signatures and keys, and `telnyx._crypto` all use it.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The value of each alphabet byte, 0xFF for bytes outside it.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// `bytes` encoded, padded with `=`.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
            let n = UInt32(bytes[i]) << 16 | b1 << 8 | b2
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(i + 1 < bytes.count ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(n & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes `text` encodes, or nil when it is not base64. Leading and trailing ASCII
    /// whitespace is ignored and padding is optional (keys are pasted from dashboards and
    /// environment variables); anything else outside the alphabet, padding in the middle, or a
    /// length that no encoding has (4n+1) is refused. Empty text is refused too: no key or
    /// signature is empty, and an empty value is a mistake worth naming.
    public static func decode<Text: Collection<UInt8>>(_ text: Text) -> [UInt8]? {
        var chars = Array(text)
        while let last = chars.last, isSpace(last) { chars.removeLast() }
        let start = chars.firstIndex { !isSpace($0) } ?? chars.endIndex
        chars.removeFirst(start)
        var padding = 0
        while padding < 2, let last = chars.last, last == UInt8(ascii: "=") {
            chars.removeLast()
            padding += 1
        }
        guard !chars.isEmpty, chars.count % 4 != 1 else { return nil }
        // Padding, when present, must complete the last group of four.
        if padding > 0 && (chars.count + padding) % 4 != 0 { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for char in chars {
            let value = values[Int(char)]
            guard value != 0xFF else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
