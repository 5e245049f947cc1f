import Foundation
import Telnyx
import TelnyxLua
import TelnyxSandbox
import Testing

/// The seed methods called from Lua the way the seed documents show them
/// (Tests/TelnyxLuaTests/Lua/seed_*.lua), each result checked for the fields the seeds list.
@Suite struct SeedMethodsTests {
    static let luaDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Lua")
    /// Seed checks allowed to fail, each with why.
    static let allowedFailures: [String: String] = [
        "external_connections.update_location": "the sandbox seeds no locations (as in RouteWalkTests)",
        "phone_numbers.update": "no seeded id for the external connection's phone_number_id",
        "texml.accounts.calls.siprec.siprec_sid_json": "the sandbox seeds no SIPREC sessions",
        "texml.accounts.calls.streams.streaming_sid_json": "the sandbox seeds no streams",
        "external_connections.log_messages.list": "the seed lists the page's fields, not an item's",
        "texml.accounts.queues.list": "the seed lists the page's fields, not an item's",
        "texml.accounts.conferences.retrieve": "the sandbox omits regions and id",
        "texml.accounts.conferences.update": "the sandbox omits regions and id",
        "texml.accounts.recordings.json.retrieve_recording_sid_json": "the sandbox omits media_urls and id",
    ]
    static let areas = ["sip_integrations", "numbers_config", "texml"]

    /// The methods of seed-methods.tsv, from the sandbox's own list.
    static var seedMethods: Set<String> { SandboxServer.statefulMethods }

    @Test func seedExamplesReturnTheDocumentedFields() async throws {
        let (script, results) = try await withSandbox { h in
            let script = try Self.script(server: h.server)
            return (script, try await h.run(script))
        }
        let called = results.first?.integerValue ?? -1
        let failures = (results.dropFirst().first?.stringValue ?? "").split(separator: "\n").map(String.init)
        #expect(called == Int64(Self.calledNames(in: script).count))
        #expect(Self.calledNames(in: script) == Self.seedMethods, "methods not covered: \(Self.seedMethods.subtracting(Self.calledNames(in: script)).sorted())")
        let unexpected = failures.filter { Self.allowedFailures[String($0.prefix { $0 != ":" })] == nil }
        #expect(unexpected.isEmpty, "\(unexpected.count) failures:\n\(unexpected.joined(separator: "\n"))")
    }

    /// The chunk: `ID`, the helpers as SEED, each area file in a block, then the report.
    static func script(server: SandboxServer) throws -> String {
        var seeded: [String] = []
        for name in Catalog.shared.names where seedMethods.contains(name) {
            let spec = try #require(Catalog.shared.method(named: name))
            for param in spec.pathParamNames {
                for index in 0...1 {
                    guard let id = server.seededID(route: spec.route, parameter: param, index: index) else { continue }
                    seeded.append("  [\(LuaSamples.quoted("\(spec.route)|\(param)|\(index)"))] = \(LuaSamples.quoted(id)),")
                }
            }
        }
        let prefix = """
            local SEEDED = {
            \(seeded.joined(separator: "\n"))
            }
            local function ID(route, param, index)
              return SEEDED[route .. "|" .. param .. "|" .. (index or 0)] or ("p-" .. param)
            end
            local SEED = (function()
            \(try text("seed_helpers.lua"))
            end)()

            """
        var chunk = prefix
        for area in areas { chunk += "do\n\(try text("seed_\(area).lua"))\nend\n" }
        return chunk + "return SEED.report()\n"
    }

    static func text(_ file: String) throws -> String {
        try String(contentsOf: luaDirectory.appendingPathComponent(file), encoding: .utf8)
    }

    /// The method names the chunk checks: `check("name", ...)`.
    static func calledNames(in script: String) -> Set<String> {
        var names: Set<String> = []
        for line in script.split(separator: "\n") where line.hasPrefix("check(\"") {
            names.insert(String(line.dropFirst(7).prefix { $0 != "\"" }))
        }
        return names
    }
}
