import Telnyx
import Testing

/// `contains(text:)` and `range(ofText:)`, which stand in for the string-algorithms module's.
@Suite struct TextSearchTests {
    @Test func findsWhatIsThereAndOnlyThat() {
        #expect("application/json; charset=utf-8".contains(text: "json"))
        #expect(!"application/xml".contains(text: "json"))
        #expect("aaab".contains(text: "aab"), "a partial match then a real one")
        #expect(!"short".contains(text: "shorter"))
        #expect("anything".contains(text: ""))
        #expect(!"".contains(text: "x"))
        #expect("héllo wörld".contains(text: "wö"))
        let text = "https://api.telnyx.com/v2"
        let range = text.range(ofText: "://")
        #expect(range.map { String(text[..<$0.lowerBound]) } == "https")
        #expect(range.map { String(text[$0.upperBound...]) } == "api.telnyx.com/v2")
        #expect(text.range(ofText: "ftp") == nil)
        let sub = text.dropFirst(8)
        #expect(sub.range(ofText: "/").map { String(sub[..<$0.lowerBound]) } == "api.telnyx.com")
    }
}
