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

/// Hex digits of `value`, zero-padded to `width`.
func hex(_ value: UInt64, width: Int) -> String {
    let digits = String(value, radix: 16)
    return digits.count >= width ? String(digits.suffix(width)) : String(repeating: "0", count: width - digits.count) + digits
}

/// A version-4-shaped UUID from two 64-bit halves.
func uuidString(_ high: UInt64, _ low: UInt64) -> String {
    let h = hex(high, width: 16)
    let l = hex(low, width: 16)
    let variant = "89ab"[("89ab".index("89ab".startIndex, offsetBy: Int(low >> 62)))]
    return "\(h.prefix(8))-\(h.dropFirst(8).prefix(4))-4\(h.suffix(3))-\(variant)\(l.prefix(3))-\(l.suffix(12))"
}

/// ISO 8601 UTC text of seconds since 1970 (no Foundation: this runs per generated field).
func isoDateTime(_ seconds: Int64) -> String {
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let rest = seconds - days * 86_400
    return isoDate(days: days) + "T" + two(rest / 3600) + ":" + two(rest / 60 % 60) + ":" + two(rest % 60) + ".000Z"
}

/// The `YYYY-MM-DD` of a day number since 1970 (Howard Hinnant's civil-from-days).
func isoDate(days: Int64) -> String {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    return String(year) + "-" + two(month) + "-" + two(day)
}

private func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : String(n) }
