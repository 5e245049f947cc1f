import Foundation
import NIOHTTP1
import Telnyx
import TelnyxSandbox
import Testing

@Suite struct RouteWalkTests {
    /// Every route answers its success status with a body valid against its response schema.
    @Test func everyRouteAnswersSchemaValidBodies() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        let document = Catalog.responseSchemas()
        let check = SchemaCheck(components: document["components"]?.objectValue ?? [:])
        var failures: [String] = []
        var walked = 0
        var stateful404 = 0
        for name in Catalog.shared.names {
            let spec = try #require(Catalog.shared.method(named: name))
            var path = "/v2" + spec.route
            for param in spec.pathParamNames { path = path.replacingParameter(param, with: "p-\(param)") }
            var query: [String] = []
            if let q = spec.query {
                for key in q.required.sorted() {
                    let value = sampleValue(q.properties[key] ?? .any, name: key)
                    if case .object(let members) = value {
                        for (inner, v) in members { query.append("\(key)[\(inner)]=\(v.stringValue ?? v.jsonString)") }
                    } else {
                        query.append("\(key)=\(value.stringValue ?? value.jsonString)")
                    }
                }
            }
            if !query.isEmpty { path += "?" + query.joined(separator: "&") }
            let body = spec.contentType == "application/json" ? spec.body.map { sampleValue($0) } : nil
            let answer = try await h.send(HTTPMethod(rawValue: spec.http), path, json: body)
            walked += 1
            // Seeded resources know their ids: a made-up id is rightly 404 (the stateful tests use real ones).
            if answer.status == 404, !spec.pathParamNames.isEmpty, answer.json?["errors"]?[0]?["code"] == "10005",
                String(decoding: answer.bytes, as: UTF8.self).contains("was not found")
            {
                stateful404 += 1
                continue
            }
            guard answer.status == spec.status else {
                failures.append("\(name): \(answer.status) \(String(decoding: answer.bytes.prefix(200), as: UTF8.self))")
                continue
            }
            guard let schema = document["responses"]?[name]?["schema"], !answer.bytes.isEmpty,
                answer.headers.first(name: "content-type")?.contains("json") == true
            else { continue }
            let problems = check.problems(try #require(answer.json), schema)
            if !problems.isEmpty { failures.append("\(name): \(problems.prefix(3))") }
        }
        #expect(walked == 1250)
        #expect(stateful404 < 80)
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.prefix(30).joined(separator: "\n"))")
    }
}

extension String {
    func replacingParameter(_ name: String, with value: String) -> String {
        guard let range = range(of: "{" + name + "}") else { return self }
        return replacingCharacters(in: range, with: value)
    }
}
