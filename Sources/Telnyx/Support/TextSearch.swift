/// Substring search over UTF-8 bytes, for the shipped code. The standard `contains(_:)` and
/// `firstRange(of:)` of a string in a string live in Swift's string-algorithms module, which
/// links its regex engine and parser with them: 1 MB of a 19 MB binary, for a few searches.
/// The compiler cannot be told to refuse them (the module is imported implicitly through every
/// dependency), so ShippingTests' size bound is what catches one coming back; `nm` on a
/// release object shows where (`17_StringProcessing`). Searches here are short texts; a plain
/// scan is enough.
extension StringProtocol {
    /// Whether `other` occurs in this text (byte for byte; an empty `other` always does).
    public func contains(text other: some StringProtocol) -> Bool {
        range(ofText: other) != nil
    }

    /// Where `other` first occurs in this text, or nil.
    public func range(ofText other: some StringProtocol) -> Range<Index>? {
        let haystack = utf8, needle = Array(other.utf8)
        guard let first = needle.first else { return startIndex..<startIndex }
        var start = haystack.startIndex
        while let found = haystack[start...].firstIndex(of: first) {
            var candidate = found, matched = 0
            while matched < needle.count, candidate != haystack.endIndex, haystack[candidate] == needle[matched] {
                haystack.formIndex(after: &candidate)
                matched += 1
            }
            if matched == needle.count { return found..<candidate }
            start = haystack.index(after: found)
        }
        return nil
    }
}
