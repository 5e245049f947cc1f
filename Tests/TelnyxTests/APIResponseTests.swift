import Telnyx
import Testing

/// The response's header lookup and JSON test, which run for every call.
@Suite struct APIResponseTests {
    private func response(_ contentType: String) -> APIResponse {
        APIResponse(status: 200, headers: [("X-Request-Id", "r1"), ("CONTENT-type", contentType)], body: [])
    }

    @Test func mediaTypesAreJudgedWithoutCaseBlanksOrParameters() {
        for json in ["application/json", "Application/JSON; charset=utf-8", " application/json ;q=1", "application/vnd.api+json",
                     "application/problem+JSON", "APPLICATION/JSON", "application/ json", "+json", "text/x+json;a=b"] {
            #expect(response(json).isJSON, "\(json)")
        }
        for other in ["text/html", "application/jsonx", "application/json-seq", "text/plain; note=application/json", "", "json",
                      "application/json5", "applicatio", "application/jso", "+jsonx", "; application/json"] {
            #expect(!response(other).isJSON, "\(other)")
        }
        #expect(!APIResponse(status: 200, headers: [], body: []).isJSON)
    }

    @Test func headersAreFoundInAnyCaseAndOnlyByTheirWholeName() {
        let r = response("text/plain")
        #expect(r.header("x-request-id") == "r1" && r.requestID == "r1")
        #expect(r.header("X-REQUEST-ID") == "r1")
        #expect(r.header("x-request") == nil && r.header("x-request-idd") == nil)
        // Only letters fold: `[` (0x5B) is not `{` (0x7B) in another case.
        let odd = APIResponse(status: 200, headers: [("a[b", "1")], body: [])
        #expect(odd.header("a{b") == nil && odd.header("A[B") == "1")
    }
}
