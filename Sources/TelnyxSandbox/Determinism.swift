/// SplitMix64: tiny, fast and good enough that every generated value follows from the seed.
struct SplitMix: RandomNumberGenerator, Sendable {
    var state: UInt64

    init(_ seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in 0..<bound (bound > 0).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
}

/// FNV-1a over the strings, mixed with `seed`: stable across runs and platforms, unlike `Hasher`.
func stableHash(_ seed: UInt64, _ parts: String...) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
    for part in parts {
        for byte in part.utf8 {
            h ^= UInt64(byte)
            h &*= 0x100_0000_01B3
        }
        h ^= 0xFF
        h &*= 0x100_0000_01B3
    }
    var mix = SplitMix(h)
    return mix.next()
}

/// Hex digits of `value`, zero-padded to `width` (at most 16), its low digits when it has more.
func hex(_ value: UInt64, width: Int) -> String {
    // Written into the string's own storage: records carry several of these each, and going
    // through `String(value, radix:)`, padding and slicing was a seventh of a page's time.
    String(unsafeUninitializedCapacity: width) { buffer in
        writeHex(value, width: width, into: buffer, at: 0)
        return width
    }
}

/// A version-4-shaped UUID from two 64-bit halves.
func uuidString(_ high: UInt64, _ low: UInt64) -> String {
    String(unsafeUninitializedCapacity: 36) { buffer in
        // hhhhhhhh-hhhh-4hhh-Vlll-llllllllllll: the high half's first 12 and last 3 digits, the
        // variant (8, 9, a or b from the low half's top two bits), the low half's first 3 and
        // last 12 digits.
        writeHex(high >> 32, width: 8, into: buffer, at: 0)
        buffer[8] = UInt8(ascii: "-")
        writeHex(high >> 16, width: 4, into: buffer, at: 9)
        buffer[13] = UInt8(ascii: "-")
        buffer[14] = UInt8(ascii: "4")
        writeHex(high, width: 3, into: buffer, at: 15)
        buffer[18] = UInt8(ascii: "-")
        buffer[19] = hexDigits[8 + Int(low >> 62)]
        writeHex(low >> 52, width: 3, into: buffer, at: 20)
        buffer[23] = UInt8(ascii: "-")
        writeHex(low, width: 12, into: buffer, at: 24)
        return 36
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// The low `width` hex digits of `value` at `buffer[start...]`.
private func writeHex(_ value: UInt64, width: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
    var rest = value
    for i in stride(from: start + width - 1, through: start, by: -1) {
        buffer[i] = hexDigits[Int(rest & 0xF)]
        rest >>= 4
    }
}

/// ISO 8601 UTC text of seconds since 1970 (no Foundation: this runs per generated field).
func isoDateTime(_ seconds: Int64) -> String {
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let rest = seconds - days * 86_400
    let (year, month, day) = civilDate(days: days)
    guard (1000...9999).contains(year) else {
        return isoDate(days: days) + "T" + two(rest / 3600) + ":" + two(rest / 60 % 60) + ":" + two(rest % 60) + ".000Z"
    }
    // Written in place, as `hex` is: records carry several of these each.
    return String(unsafeUninitializedCapacity: 24) { text in
        writeDate(year, month, day, into: text)
        text[10] = UInt8(ascii: "T")
        writeDigits(rest / 3600, count: 2, into: text, at: 11)
        text[13] = UInt8(ascii: ":")
        writeDigits(rest / 60 % 60, count: 2, into: text, at: 14)
        text[16] = UInt8(ascii: ":")
        writeDigits(rest % 60, count: 2, into: text, at: 17)
        for (i, byte) in ".000Z".utf8.enumerated() { text[19 + i] = byte }
        return 24
    }
}

/// The `YYYY-MM-DD` of a day number since 1970.
func isoDate(days: Int64) -> String {
    let (year, month, day) = civilDate(days: days)
    guard (1000...9999).contains(year) else { return String(year) + "-" + two(month) + "-" + two(day) }
    return String(unsafeUninitializedCapacity: 10) { text in
        writeDate(year, month, day, into: text)
        return 10
    }
}

/// Year, month and day of a day number since 1970 (Howard Hinnant's civil-from-days).
private func civilDate(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

/// `YYYY-MM-DD` at the start of `text` (a four-digit year).
private func writeDate(_ year: Int64, _ month: Int64, _ day: Int64, into text: UnsafeMutableBufferPointer<UInt8>) {
    writeDigits(year, count: 4, into: text, at: 0)
    text[4] = UInt8(ascii: "-")
    writeDigits(month, count: 2, into: text, at: 5)
    text[7] = UInt8(ascii: "-")
    writeDigits(day, count: 2, into: text, at: 8)
}

/// The low `count` decimal digits of `value` (not negative) at `text[start...]`.
private func writeDigits(_ value: Int64, count: Int, into text: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
    var rest = value
    for i in stride(from: start + count - 1, through: start, by: -1) {
        text[i] = UInt8(ascii: "0") + UInt8(rest % 10)
        rest /= 10
    }
}

private func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : String(n) }
