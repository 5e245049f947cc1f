import Foundation
import Testing

/// Lua 5.4.4's own test suite (../shared/lua-5.4.4-tests, read in place) under telnyx-lua, run
/// as stock lua5.4 runs it (its README). Every file stock Lua passes must pass, except where
/// telnyx-lua differs on purpose (docs/scripting.md): the one listed below, at its line, so a
/// new failure anywhere, or this one moving, fails CI.
@Suite struct LuaConformanceTests {
    static let suite = Binaries.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/lua-5.4.4-tests")

    static let portableFiles = [
        "api", "attrib", "big", "bitwise", "bwcoercion", "calls", "closure", "code", "constructs",
        "coroutine", "cstack", "db", "errors", "events", "files", "gc", "gengc", "goto", "literals",
        "locals", "math", "nextvar", "pm", "sort", "strings", "tpack", "utf8", "vararg",
    ]

    /// Deliberate: Ctrl-C cannot be caught by `pcall` (so a runaway loop inside one stops);
    /// main.lua checks that a SIGINT inside `pcall` lets the script go on.
    static let expectedMainFailure = "main.lua:504: assertion failed!"

    static var available: Bool { FileManager.default.fileExists(atPath: suite.appendingPathComponent("all.lua").path) }

    @Test(.enabled(if: available, "../shared/lua-5.4.4-tests is not there"), arguments: portableFiles)
    func portableFilePasses(_ name: String) throws {
        let r = try Binaries.run(Binaries.telnyxLua, ["-e", "_port=true; _soft=true", "\(name).lua"],
                                 directory: Self.suite, timeout: 120)
        #expect(r.status == 0, "\(name).lua: \(r.stderr.suffix(600))")
    }

    /// main.lua tests the interpreter itself, through a link named `lua` (its `progname`).
    @Test(.enabled(if: available, "../shared/lua-5.4.4-tests is not there"))
    func mainPassesUpToTheDeliberateDifference() throws {
        let bin = FileManager.default.temporaryDirectory.appendingPathComponent("telnyx-lua-as-lua-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: bin) }
        let lua = bin.appendingPathComponent("lua")
        try FileManager.default.createSymbolicLink(atPath: lua.path, withDestinationPath: Binaries.telnyxLua)
        let r = try Binaries.run(lua.path, ["main.lua"], directory: Self.suite, timeout: 120)
        #expect(r.stdout.contains("testing Ctrl C"), "main.lua stopped before its Ctrl-C tests: \(r.stderr.suffix(600))")
        #expect(r.stderr.contains(Self.expectedMainFailure), "\(r.stderr.suffix(600))")
    }
}
