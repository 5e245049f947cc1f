import Telnyx
import XCTest

/// A small JSON-Schema checker for the response schemas (resolves `$ref` into `components`).
/// Written for the tests, apart from the sandbox's generator, so the two check each other.
struct SchemaCheck {
    let components: [String: JSONValue]

    func problems(_ value: JSONValue, _ schema: JSONValue, at path: String = "") -> [String] {
        var s = schema
        var hops = 0
        while let ref = s["$ref"]?.stringValue, hops < 40 {
            s = components[String(ref.split(separator: "/").last ?? "")] ?? .object([:])
            hops += 1
        }
        var out: [String] = []
        for part in s["allOf"]?.arrayValue ?? [] { out += problems(value, part, at: path) }
        if let variants = (s["oneOf"] ?? s["anyOf"])?.arrayValue, !variants.isEmpty,
            !variants.contains(where: { problems(value, $0, at: path).isEmpty })
        {
            out.append("\(path): matches no variant")
        }
        if value.isNull { return s["nullable"] == .bool(true) || s["type"] == nil ? out : out + ["\(path): null"] }
        if let constant = s["const"], constant != value { out.append("\(path): not the const") }
        if let values = s["enum"]?.arrayValue, !values.contains(value) { out.append("\(path): \(value.jsonString) not in enum") }
        let types = s["type"]?.stringValue.map { [$0] } ?? s["type"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if !types.isEmpty && !types.contains(where: { matches(value, $0) }) {
            return out + ["\(path): \(value.jsonString.prefix(40)) is not \(types)"]
        }
        if case .object(let members) = value {
            for key in s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[key] == nil {
                out.append("\(path)/\(key): missing")
            }
            for (key, member) in members {
                if let inner = s["properties"]?[key] { out += problems(member, inner, at: path + "/" + key) }
            }
        }
        if case .array(let items) = value, let inner = s["items"] {
            for (i, item) in items.enumerated() { out += problems(item, inner, at: "\(path)/\(i)") }
        }
        if case .string(let text) = value, s["format"] == "uuid", text.count != 36 { out.append("\(path): not a uuid") }
        if case .string(let text) = value, s["format"] == "date-time", !text.contains("T") { out.append("\(path): not a date-time") }
        return out
    }

    private func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double),
            ("object", .object), ("array", .array), ("null", .null):
            return true
        default: return false
        }
    }
}

extension SchemaCheck {
    /// Fails the test when `answer`'s JSON does not fit the response schema of `method`.
    static func assertValid(_ answer: Harness.Answer, method: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let document = Catalog.responseSchemas()
        let check = SchemaCheck(components: document["components"]?.objectValue ?? [:])
        guard let schema = document["responses"]?[method]?["schema"], let json = answer.json else {
            XCTFail("no schema for \(method) or no JSON answer", file: file, line: line)
            return
        }
        let problems = check.problems(json, schema)
        XCTAssertTrue(problems.isEmpty, "\(method): \(problems.prefix(5))", file: file, line: line)
    }
}
