import Foundation
import Testing

/// `--safe` attacked as a recipe author would (issue 13's classes 1-6): each attack must be
/// refused, with no file outside the folder touched, no process started and the key in no
/// output. The folder is a fresh one under /tmp; "outside" is a second one beside it.
@Suite struct ContainmentAttackTests {
    static let secret = "KEY_CONTAINMENT_SECRET_4d7c1e"

    struct Recipe {
        let folder: URL
        let outside: URL

        init() throws {
            let base = FileManager.default.temporaryDirectory.appendingPathComponent("telnyx-attack-\(UUID().uuidString)")
            folder = base.appendingPathComponent("recipe")
            outside = base.appendingPathComponent("outside")
            for dir in [folder, outside] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
            try "outside secret".write(to: outside.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
            try "print('OUTSIDE CODE RAN')".write(to: outside.appendingPathComponent("evil.lua"), atomically: true, encoding: .utf8)
            try "inside".write(to: folder.appendingPathComponent("inside.txt"), atomically: true, encoding: .utf8)
        }

        var outsideFile: String { outside.appendingPathComponent("secret.txt").path }

        func write(_ name: String, _ text: String) throws {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }

        /// Runs `code` under --safe in the folder, with the key in the environment, and checks
        /// the key appears in no output.
        func run(_ code: String, _ extra: [String] = [], stdin: String? = nil) throws -> Binaries.Outcome {
            let r = try Binaries.run(
                Binaries.telnyxLua, ["--safe"] + extra + ["-e", code], stdin: stdin,
                environment: ["TELNYX_API_KEY": secret], directory: folder)
            #expect(!r.stdout.contains(secret) && !r.stderr.contains(secret), "the key leaked: \(r.stdout) \(r.stderr)")
            return r
        }

        func cleanUp() { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
    }

    /// Class 1: the checks must not call anything the recipe can redefine.
    @Test func redefinedGlobalsDoNotOpenTheGuards() throws {
        let recipe = try Recipe()
        defer { recipe.cleanUp() }
        let subvert = """
            type = function() return 'number' end
            select = function() return nil end
            ipairs = function() return function() end end
            tostring = function() return 'inside.txt' end
            string.sub = function() return '' end
            string.find = function() return nil end
            setmetatable(_G, {__index = function() return function() return true end end})
            """
        for attack in [
            "print(io.open('\(recipe.outsideFile)'):read('a'))",
            "print(io.open('/proc/self/environ'):read('a'))",
            "print(io.open('/proc/self/mem', 'r+'))",
            "print(io.lines('\(recipe.outsideFile)')())",
            "io.output('\(recipe.outside.path)/planted.txt'):write('x')",
            "print(os.remove('\(recipe.outsideFile)'))",
            "print(os.rename('\(recipe.outsideFile)', 'stolen.txt'))",
            "print(dofile('\(recipe.outside.path)/evil.lua'))",
            "print(loadfile('\(recipe.outside.path)/evil.lua'))",
        ] {
            let r = try recipe.run(subvert + "\n" + attack)
            #expect(r.status == 1, "allowed: \(attack)\n\(r.stdout)")
            #expect(r.stderr.contains("--safe:"), "\(attack): \(r.stderr)")
            #expect(!r.stdout.contains("outside secret") && !r.stdout.contains("OUTSIDE CODE RAN"))
        }
        #expect(try String(contentsOfFile: recipe.outsideFile, encoding: .utf8) == "outside secret")
        #expect(!FileManager.default.fileExists(atPath: recipe.outside.appendingPathComponent("planted.txt").path))
        #expect(!FileManager.default.fileExists(atPath: recipe.folder.appendingPathComponent("stolen.txt").path))
    }

    /// Class 2: no binary chunk loads, by any door.
    @Test func binaryChunksNeverLoad() throws {
        let recipe = try Recipe()
        defer { recipe.cleanUp() }
        // Bytecode made by the recipe itself, then fed to every loader.
        let make = "local f = assert(io.open('chunk.luac', 'wb')) f:write(string.dump(function() print('BYTECODE RAN') end)) f:close()"
        _ = try recipe.run(make)
        try FileManager.default.copyItem(at: recipe.folder.appendingPathComponent("chunk.luac"),
                                         to: recipe.folder.appendingPathComponent("mod.lua"))
        for attack in [
            "assert(loadfile('chunk.luac', 'b'))()",
            "assert(loadfile('chunk.luac'))()",
            "assert(loadfile('chunk.luac', 'bt'))()",
            "dofile('chunk.luac')",
            "require('mod')",
            "assert(load(string.dump(function() print('BYTECODE RAN') end)))()",
            "assert(load(string.dump(function() print('BYTECODE RAN') end), 'x', 'b'))()",
            "local s = string.dump(function() print('BYTECODE RAN') end) local i = 0 assert(load(function() i = i + 1 return i == 1 and s or nil end))()",
        ] {
            let r = try recipe.run(attack)
            #expect(r.status == 1, "loaded: \(attack)")
            #expect(!r.stdout.contains("BYTECODE RAN"), "ran: \(attack)")
            #expect(r.stderr.contains("binary chunk") || r.stderr.contains("only text chunks"), "\(attack): \(r.stderr)")
        }
        // The main script and stdin too.
        let main = try Binaries.run(Binaries.telnyxLua, ["--safe", "chunk.luac"], directory: recipe.folder)
        #expect(main.status == 1 && !main.stdout.contains("BYTECODE RAN"))
        #expect(main.stderr.contains("binary chunk"), "\(main.stderr)")
        let bytecode = try Data(contentsOf: recipe.folder.appendingPathComponent("chunk.luac"))
        let piped = try Binaries.run(Binaries.telnyxLua, ["--safe", "-"], stdin: String(decoding: bytecode, as: UTF8.self), directory: recipe.folder)
        #expect(piped.status == 1 && !piped.stdout.contains("BYTECODE RAN"))
        // load(code) keeps the global environment (an explicit env still works).
        let env = try recipe.run("print(load('return print ~= nil')(), load('return x', 'c', 't', {x = 5})())")
        #expect(env.stdout == "true\t5\n", "\(env.stderr)")
    }

    /// Class 3: package.path and package.searchpath reach nothing outside.
    @Test func packagePathCannotReachOutside() throws {
        let recipe = try Recipe()
        defer { recipe.cleanUp() }
        try recipe.write("helper.lua", "return 'helper here'")
        let r = try recipe.run("""
            package.path = '\(recipe.outside.path)/?.lua;' .. package.path
            package.cpath = '\(recipe.outside.path)/?.so'
            print((pcall(require, 'evil')))
            print((package.searchpath('evil', '\(recipe.outside.path)/?.lua')))
            print((package.searchpath('secret', '\(recipe.outside.path)/?.txt')))
            print((package.searchpath('passwd', '/etc/?')))
            print(require('helper'), package.searchpath('inside', './?.txt'))
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("OUTSIDE CODE RAN"))
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines.first?.hasPrefix("false") == true)
        #expect(lines[1].hasPrefix("nil") && lines[2].hasPrefix("nil") && lines[3].hasPrefix("nil"), "\(lines)")
        #expect(lines[4] == "helper here\t./inside.txt", "\(lines)")
    }

    /// Class 5: a dangling link planted in the folder does not create a file outside.
    @Test func danglingLinksAreNotFollowedOut() throws {
        let recipe = try Recipe()
        defer { recipe.cleanUp() }
        let target = recipe.outside.appendingPathComponent("created.txt")
        try FileManager.default.createSymbolicLink(atPath: recipe.folder.appendingPathComponent("dangling").path, withDestinationPath: target.path)
        try FileManager.default.createSymbolicLink(atPath: recipe.folder.appendingPathComponent("up").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: recipe.folder.appendingPathComponent("etc").path, withDestinationPath: "/etc")
        for attack in [
            "io.open('dangling', 'w'):write('x')",
            "io.open('dangling', 'a'):write('x')",
            "io.output('dangling'):write('x')",
            "io.open('up/outside/created.txt', 'w'):write('x')",
            "io.open('../outside/created.txt', 'w'):write('x')",
            "print(io.open('etc/hostname'):read('a'))",
            "os.rename('inside.txt', 'up/outside/created.txt')",
        ] {
            let r = try recipe.run(attack)
            #expect(r.status == 1, "allowed: \(attack)")
            #expect(r.stderr.contains("outside the recipe's folder"), "\(attack): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: target.path))
        #expect(FileManager.default.fileExists(atPath: recipe.folder.appendingPathComponent("inside.txt").path))
        // Links that stay inside still work.
        try FileManager.default.createSymbolicLink(atPath: recipe.folder.appendingPathComponent("alias").path, withDestinationPath: "inside.txt")
        let ok = try recipe.run("print(io.open('alias'):read('a'))")
        #expect(ok.stdout == "inside\n", "\(ok.stderr)")
    }

    /// What a recipe may still do: files here, modules here and bundled, the environment
    /// without credentials.
    @Test func ordinaryRecipeWorkStillWorks() throws {
        let recipe = try Recipe()
        defer { recipe.cleanUp() }
        try FileManager.default.createDirectory(at: recipe.folder.appendingPathComponent("out"), withIntermediateDirectories: true)
        let r = try recipe.run("""
            local f = assert(io.open('out/notes.txt', 'w')) f:write('a\\nb\\n') f:close()
            local n = 0 for line in io.lines('out/notes.txt') do n = n + 1 end
            assert(os.rename('out/notes.txt', 'out/renamed.txt'))
            print(n, io.open('out/renamed.txt'):read('a') == 'a\\nb\\n', os.remove('out/renamed.txt'))
            print(io.open('missing.txt'))
            print(os.getenv('TELNYX_API_KEY'), os.getenv('HOME') ~= nil, require('telnyx.e164').is_valid('+18005550100'))
            local absolute = io.open('\(recipe.folder.path)/inside.txt') print(absolute and absolute:read('a'))
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
            2\ttrue\ttrue
            nil\tmissing.txt: No such file or directory\t2
            nil\ttrue\ttrue
            inside

            """, "\(r.stdout)")
    }

    /// Refused outright under --safe.
    @Test func dangerousFunctionsAreRefused() throws {
        let recipe = try Recipe()
        defer { recipe.cleanUp() }
        for (attack, message) in [
            ("os.execute('touch /tmp/pwned')", "os.execute is not allowed"),
            ("io.popen('id')", "io.popen is not allowed"),
            ("io.tmpfile()", "io.tmpfile is not allowed"),
            ("os.tmpname()", "os.tmpname is not allowed"),
            ("package.loadlib('libc.so.6', 'system')", "package.loadlib is not allowed"),
            ("debug.getregistry()", "global 'debug'"),
            ("require('debug')", "module 'debug' not found"),
            ("telnyx.configure{base_url = 'http://127.0.0.1:1'}", "cannot be changed in safe mode"),
        ] {
            let r = try recipe.run(attack)
            #expect(r.status == 1, "allowed: \(attack)")
            #expect(r.stderr.contains(message), "\(attack): \(r.stderr)")
        }
    }
}
