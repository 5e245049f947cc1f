import Foundation
import Testing

/// The bundled stdlib's own Lua tests (stdlib/tests/*_test.lua), each run with the built
/// `telnyx-lua`; every file prints "N passed, 0 failed" and exits 0 when all its cases pass.
@Suite struct StdlibTests {
    static let testsFolder = Binaries.repoRoot.appendingPathComponent("stdlib/tests")

    static let luaTests: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: testsFolder.path)) ?? []
        return names.filter { $0.hasSuffix("_test.lua") }.sorted()
    }()

    @Test func everyModuleHasATestFile() throws {
        let modules = try FileManager.default
            .contentsOfDirectory(atPath: Binaries.repoRoot.appendingPathComponent("stdlib/telnyx").path)
            .filter { $0.hasSuffix(".lua") }
            .map { String($0.dropLast(".lua".count)) }
        for module in modules {
            #expect(Self.luaTests.contains("\(module)_test.lua"), "stdlib/tests/\(module)_test.lua is missing")
        }
    }

    @Test(arguments: luaTests)
    func luaTestFilePasses(_ name: String) throws {
        let path = Self.testsFolder.appendingPathComponent(name).path
        let r = try Binaries.run(Binaries.telnyxLua, [path], environment: ["COLUMNS": "100"], timeout: 120)
        #expect(r.status == 0, "\(name) exited \(r.status)\nstdout: \(r.stdout)\nstderr: \(r.stderr)")
        let summary = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(summary.hasSuffix(" passed, 0 failed"), "\(name): \(summary)\n\(r.stderr)")
        #expect(!summary.hasPrefix("0 passed"), "\(name) ran no test")
    }

    @Test func aFailingLuaTestExitsWithOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stdlib-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let testlib = Self.testsFolder.appendingPathComponent("testlib.lua")
        try FileManager.default.copyItem(at: testlib, to: folder.appendingPathComponent("testlib.lua"))
        let script = folder.appendingPathComponent("broken_test.lua")
        try """
        package.path = arg[0]:match("^(.*)/[^/]*$") .. "/?.lua;" .. package.path
        local t = require "testlib"
        t.test("passes", function() t.eq(1, 1) end)
        t.test("fails", function() t.eq(1, 2) end)
        t.finish()
        """.write(to: script, atomically: true, encoding: .utf8)
        let r = try Binaries.run(Binaries.telnyxLua, [script.path])
        #expect(r.status == 1)
        #expect(r.stdout == "1 passed, 1 failed\n")
        #expect(r.stderr.contains("FAIL fails: "))
        #expect(r.stderr.contains("expected 2, got 1"))
    }
}

/// Every recipe in stdlib/recipes runs to completion on the in-process sandbox. Event recipes
/// (their run line says `telnyx-lua serve`) run as servers: each plays a caller or a customer on
/// the sandbox, asserts what they heard or got, and stops with status 0 only if it was right.
@Suite struct RecipeTests {
    /// The arguments each recipe needs on the sandbox (recipes not listed take none).
    static let arguments: [String: [String]] = [
        "texml_app_call.lua": ["AC0000000000000000000000000000000", "+13120001234", "+13121230000"],
        "numbers_tag_bulk.lua": ["recipe-test"],
        "numbers_emergency_batch.lua": ["1315261609962112019"],
        "numbers_export_csv.lua": ["-"],
    ]

    static let recipes: [String] = {
        let folder = Binaries.repoRoot.appendingPathComponent("stdlib/recipes").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".lua") }.sorted()
    }()

    @Test(arguments: recipes)
    func recipeRunsOnTheSandbox(_ name: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = Binaries.repoRoot.appendingPathComponent("stdlib/recipes/\(name)").path
        let serve = Self.isServeRecipe(name)
        let r = try Binaries.run(Binaries.telnyxLua, (serve ? ["serve", "--port", "0", "--sandbox"] : ["--sandbox"]) + [path]
                                 + (Self.arguments[name] ?? []), directory: folder, timeout: 120)
        #expect(r.status == 0, "\(name) exited \(r.status)\nstdout: \(r.stdout)\nstderr: \(r.stderr)")
        #expect(!r.stdout.isEmpty, "\(name) printed nothing")
        if serve {
            // Every event the flow produced was handled: none failed, none went unhandled by mistake.
            #expect(!r.stderr.contains(" error "), "\(name): a handler failed\n\(r.stderr)")
            #expect(r.stdout.contains("telnyx-lua serve: stopped"))
        }
    }

    static func isServeRecipe(_ name: String) -> Bool {
        let text = (try? String(contentsOf: Binaries.repoRoot.appendingPathComponent("stdlib/recipes/\(name)"), encoding: .utf8)) ?? ""
        return text.contains("telnyx-lua serve --sandbox stdlib/recipes/\(name)")
    }

    @Test func everyRecipeSaysHowToRunIt() throws {
        for name in Self.recipes {
            let text = try String(contentsOf: Binaries.repoRoot.appendingPathComponent("stdlib/recipes/\(name)"),
                                  encoding: .utf8)
            #expect(text.hasPrefix("-- \(name)"), "\(name) lacks its header comment")
            #expect(text.contains("telnyx-lua --sandbox stdlib/recipes/\(name)") || Self.isServeRecipe(name),
                    "\(name) lacks its run line")
        }
    }
}
