import Testing

@testable import Telnyx

@Suite("Request encoding")
struct RequestEncodingTests {
    @Test func pathParametersArePercentEncodedKeepingUnreserved() throws {
        let path = try RequestEncoding.renderPath(
            "/calls/{call_control_id}/actions/{verb}", params: ["call_control_id": "v3:a/b?c d~_.-", "verb": "answer"])
        #expect(path == "/calls/v3:a%2Fb%3Fc%20d~_.-/actions/answer")
    }

    @Test func pathTemplatesEdgeCases() throws {
        #expect(try RequestEncoding.renderPath("/phone_numbers", params: ["id": "x"]) == "/phone_numbers")
        #expect(try RequestEncoding.renderPath("/a/{x}/b", params: ["x": "."]) == "/a/%2E/b")
        #expect(try RequestEncoding.renderPath("/a/{x}/b", params: ["x": ".."]) == "/a/%2E%2E/b")
        #expect(try RequestEncoding.renderPath("/a/{x}/b", params: ["x": "..."]) == "/a/.../b")
        #expect(try RequestEncoding.renderPath("/a/{x}{y}", params: ["x": "1", "y": "é%"]) == "/a/1%C3%A9%25")
        #expect(try RequestEncoding.renderPath("/Recordings/{sid}.json", params: ["sid": "a b"]) == "/Recordings/a%20b.json")
        // An unclosed brace is left as it is, with what follows it.
        #expect(try RequestEncoding.renderPath("/a/{x}/{y", params: ["x": "1"]) == "/a/1/{y")
    }

    @Test func emptyOrMissingPathParameterIsAValidationError() {
        for params in [["id": ""], [:]] {
            #expect {
                _ = try RequestEncoding.renderPath("/phone_numbers/{id}", params: params)
            } throws: { error in
                let error = error as? TelnyxError
                return error?.kind == .validation && error?.message == "expected a non-empty value for 'id'"
            }
        }
    }

    @Test func nestedFiltersUseBracketsAndArraysInsideJoinWithCommas() {
        let query = [
            QueryParameter(
                name: "filter",
                value: ["tag": "x", "phone_number": ["contains": "555"], "status": ["a", "b,c"], "gone": nil],
                style: .deepObject),
            QueryParameter(name: "page", value: ["number": 2, "size": 25], style: .deepObject),
        ]
        let pairs = RequestEncoding.queryPairs(query).map { "\($0.0)=\($0.1)" }
        #expect(pairs == [
            "filter[phone_number][contains]=555", "filter[status]=a,b,c", "filter[tag]=x",
            "page[number]=2", "page[size]=25",
        ])
        // The joining comma stays literal; a comma inside an item does not.
        #expect(RequestEncoding.encodeQuery(query).contains("filter%5Bstatus%5D=a,b%2Cc"))
    }

    @Test func formArraysRepeatWhenExplodedAndJoinOtherwise() {
        let exploded = QueryParameter(name: "id", value: ["a", "b"], style: .form, explode: true)
        let joined = QueryParameter(name: "id", value: ["a", "b"], style: .form, explode: false)
        #expect(RequestEncoding.encodeQuery([exploded]) == "id=a&id=b")
        #expect(RequestEncoding.encodeQuery([joined]) == "id=a,b")
    }

    @Test func scalarsBooleansAndNulls() {
        let query = [
            QueryParameter(name: "on", value: true), QueryParameter(name: "off", value: false),
            QueryParameter(name: "none", value: nil), QueryParameter(name: "empty", value: ""),
            QueryParameter(name: "ratio", value: 1.5), QueryParameter(name: "q", value: "a b&c=d"),
        ]
        #expect(RequestEncoding.encodeQuery(query) == "on=true&off=false&ratio=1.5&q=a%20b%26c%3Dd")
    }

    @Test func urlJoinsBaseRouteAndQuery() throws {
        let url = try RequestEncoding.url(
            baseURL: "https://api.telnyx.com/v2/", route: "/phone_numbers/{id}", pathParams: ["id": "123"],
            query: [QueryParameter(name: "page", value: ["number": 2], style: .deepObject)])
        #expect(url == "https://api.telnyx.com/v2/phone_numbers/123?page%5Bnumber%5D=2")
        // An absolute `next` link keeps its own query and gets ours appended.
        let next = try RequestEncoding.url(
            baseURL: "https://api.telnyx.com/v2", route: "https://api.telnyx.com/v2/x?page=2", pathParams: [:],
            query: [QueryParameter(name: "a", value: 1)])
        #expect(next == "https://api.telnyx.com/v2/x?page=2&a=1")
    }

    @Test func multipartBodyHasBoundaryFramingAndRawBytes() {
        let binary: [UInt8] = [0, 1, 2, 0xFF, 0x0D, 0x0A, 0]
        let parts = [
            MultipartPart(name: "purpose", text: "fax"),
            MultipartPart(name: "file", filename: "a\"b.bin", contentType: "application/octet-stream", data: binary),
        ]
        let boundary = RequestEncoding.makeBoundary(for: parts)
        let body = RequestEncoding.encodeMultipart(parts, boundary: boundary)
        let expected =
            Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfax\r\n".utf8)
            + Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22b.bin\"\r\n".utf8)
            + Array("Content-Type: application/octet-stream\r\n\r\n".utf8) + binary
            + Array("\r\n--\(boundary)--\r\n".utf8)
        #expect(body == expected)
    }

    @Test func unreadableUploadFileIsAValidationErrorNamingThePath() {
        #expect {
            _ = try MultipartPart(name: "file", filePath: "/nonexistent/telnyx-test.bin")
        } throws: { error in
            (error as? TelnyxError)?.kind == .validation
                && (error as? TelnyxError)?.message.contains("/nonexistent/telnyx-test.bin") == true
        }
    }
}
