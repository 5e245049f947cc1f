import Foundation
import Telnyx
import TelnyxLua
import TelnyxSandbox
import Testing

/// The seed methods called from Lua the way the seed documents show them
/// (Tests/TelnyxLuaTests/Lua/seed_*.lua), each result checked for the fields the seeds list.
@Suite struct SeedMethodsTests {
    static let luaDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Lua")
    static let areas = ["sip_integrations", "numbers_config", "texml"]

    /// The methods of seed-methods.tsv, from the sandbox's own list.
    static var seedMethods: Set<String> { SandboxServer.statefulMethods }

    @Test func seedExamplesReturnTheDocumentedFields() async throws {
        let h = try await SandboxHarness.start()
        let script = try Self.script(server: h.server)
        let results = try await h.run(script)
        await h.stop()
        let called = results.first?.integerValue ?? -1
        let failures = (results.dropFirst().first?.stringValue ?? "").split(separator: "\n").map(String.init)
        #expect(called == Int64(Self.calledNames(in: script).count))
        #expect(Self.calledNames(in: script) == Self.seedMethods, "methods not covered: \(Self.seedMethods.subtracting(Self.calledNames(in: script)).sorted())")
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.joined(separator: "\n"))")
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
