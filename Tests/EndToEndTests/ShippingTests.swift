import Foundation
import Testing

/// The binary as `scripts/install` ships it: self-contained apart from the design card's C
/// libraries and libc, small, naming its commit, runnable where Swift is not installed, with a
/// man page and completions that match `--help`.
///
/// `scripts/test` installs into `.build/install-test` before the tests (a release build with the
/// Swift runtime linked in) and sets TELNYX_REQUIRE_INSTALL_TEST, so in CI a missing install
/// fails here; a plain `swift test` skips these tests and says why.
/// Where `scripts/test` installs the binary for these tests.
enum TestInstall {
    static let prefix = Binaries.repoRoot.appendingPathComponent(".build/install-test")
    static let binary = prefix.appendingPathComponent("bin/telnyx-lua").path
    /// Whether to run: the install is there, or scripts/test said it must be.
    static var present: Bool {
        FileManager.default.isExecutableFile(atPath: binary)
            || ProcessInfo.processInfo.environment["TELNYX_REQUIRE_INSTALL_TEST"] == "1"
    }
}

@Suite(.serialized, .enabled(if: TestInstall.present,
                             "scripts/test installs into .build/install-test first; run it (or scripts/install --prefix .build/install-test)"))
struct ShippingTests {
    static let prefix = TestInstall.prefix
    static let binary = TestInstall.binary
    static var installed: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// The shared libraries the binary may load: libc's family, Lua (shared, so that Lua C
    /// modules bind to it) and libgcc_s. The C++ library the Swift runtime uses, libedit (with
    /// libtinfo, libbsd, libmd) and libseccomp are linked in from their static archives
    /// (Package.swift): each shared library was mapped and bound at every start.
    static let allowedLibraries: Set<String> = [
        "linux-vdso.so.1", "libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2", "libpthread.so.0", "libdl.so.2",
        "librt.so.1", "liblua5.4.so.0", "libgcc_s.so.1",
    ]

    @Test func linksNoSwiftRuntimeOrFoundation() throws {
        #expect(Self.installed, "no installed binary at \(Self.binary)")
        let ldd = try Binaries.run("/usr/bin/ldd", [Self.binary])
        #expect(ldd.status == 0, "\(ldd.stderr)")
        let names = ldd.stdout.split(separator: "\n").compactMap { line in
            line.split(separator: " ").first.map { String($0.split(separator: "/").last ?? $0).trimmingCharacters(in: .whitespaces) }
        }
        #expect(names.contains("liblua5.4.so.0"), "ldd: \(ldd.stdout)")
        for name in names {
            #expect(!name.contains("swift") && !name.contains("Foundation") && !name.contains("dispatch")
                        && !name.contains("ICU") && !name.contains("BlocksRuntime"), "links \(name)")
            #expect(Self.allowedLibraries.contains(name), "an unexpected library: \(name)")
        }
    }

    /// Issue 18's bound: 20 MB (decimal), stripped; the binary is 17.8 MB. What would break it
    /// most easily: Foundation, a second BoringSSL (swift-crypto), or Swift's string-algorithms
    /// module with its regex engine (1 MB, linked by any `contains` of a string in a string;
    /// Sources/Telnyx/Support/TextSearch.swift says what to use instead).
    @Test func strippedBinaryStaysUnderItsSizeBound() throws {
        let size = try FileManager.default.attributesOfItem(atPath: Self.binary)[.size] as? Int ?? .max
        #expect(size <= 20_000_000, "\(size) bytes")
        let file = try Binaries.run("/usr/bin/file", [Self.binary])
        #expect(file.stdout.contains("stripped") && !file.stdout.contains("not stripped"), "\(file.stdout)")
    }

    @Test func versionNamesTheCommit() throws {
        let head = try Binaries.run("/usr/bin/git", ["-C", Binaries.repoRoot.path, "rev-parse", "--short=12", "HEAD"])
        let version = try Binaries.run(Self.binary, ["--version"])
        #expect(version.status == 0)
        let commit = head.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(commit.count == 12 && version.stdout.contains("(commit \(commit)"), "\(version.stdout)")
        #expect(version.stdout.contains("Lua 5.4"))
    }

    /// The install runs with the Swift toolchain's folder hidden: a private mount namespace with
    /// an empty tmpfs over it, as on a machine where Swift was never installed. The call goes
    /// through the in-process sandbox, so HTTP, JSON and the catalog all run.
    @Test func runsWithTheSwiftToolchainOutOfReach() throws {
        let toolchain = try #require(Self.toolchainRoot(), "swift is not on PATH")
        let script = """
            mount -t tmpfs none '\(toolchain)' && ls -A '\(toolchain)' | wc -l && \
            exec '\(Self.binary)' --sandbox -e 'print("numbers", #telnyx.phone_numbers.list{page = {size = 3}}:take(3))'
            """
        let run = try Binaries.run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", script])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("0\n"), "the toolchain folder was not hidden: \(run.stdout)")
        #expect(run.stdout.contains("numbers\t3"), "\(run.stdout)\(run.stderr)")
    }

    @Test func manPageCarriesEveryOptionOfHelp() throws {
        let page = try String(contentsOf: Self.prefix.appendingPathComponent("share/man/man1/telnyx-lua.1"), encoding: .utf8)
        #expect(page.hasPrefix(".TH TELNYX\\-LUA 1"))
        for help in [try Binaries.run(Self.binary, ["--help"]), try Binaries.run(Self.binary, ["serve", "--help"])] {
            let options = help.stdout.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("  --"), let option = line.split(separator: " ").first else { return nil }
                return String(option)
            }
            #expect(options.count >= 8)
            for option in options {
                #expect(page.contains("\\fB" + option.replacingOccurrences(of: "-", with: "\\-") + "\\fR"), "\(option) missing")
            }
        }
    }

    @Test func bashCompletesFlagsAndScripts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("telnyx-completion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "print(1)".write(to: folder.appendingPathComponent("hello.lua"), atomically: true, encoding: .utf8)
        try "".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let completion = Self.prefix.appendingPathComponent("share/bash-completion/completions/telnyx-lua").path
        func complete(_ words: [String]) throws -> String {
            let quoted = words.map { "'\($0)'" }.joined(separator: " ")
            let script = "source '\(completion)'; COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); _telnyx_lua; echo \"${COMPREPLY[*]}\""
            return try Binaries.run("/bin/bash", ["-c", script], directory: folder).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try complete(["telnyx-lua", "--sa"]) == "--sandbox --sandbox-stateless --safe")
        #expect(try complete(["telnyx-lua", "serve", "--po"]) == "--port")
        #expect(try complete(["telnyx-lua", "--po"]) == "", "--port is serve's alone")
        #expect(try complete(["telnyx-lua", "he"]) == "hello.lua", "scripts complete, other files do not")
        #expect(try complete(["telnyx-lua", "--max-memory", ""]) == "", "a number is not a file")
        #expect(try complete(["telnyx-lua", "hello.lua", "no"]) == "notes.txt", "a script's arguments are any file")
    }

    @Test func zshAndFishCompletionsLoad() throws {
        let share = Self.prefix.appendingPathComponent("share").path
        // scripts/bootstrap installs both shells, so a missing one is a failure, not a skip.
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/zsh"), "zsh is missing (scripts/bootstrap)")
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/fish"), "fish is missing (scripts/bootstrap)")
        let zsh = try Binaries.run("/usr/bin/zsh", ["-n", share + "/zsh/site-functions/_telnyx-lua"])
        #expect(zsh.status == 0, "\(zsh.stderr)")
        let fish = try Binaries.run("/usr/bin/fish", ["-c", "source \(share)/fish/vendor_completions.d/telnyx-lua.fish; complete -C 'telnyx-lua --sa'; complete -C 'telnyx-lua serve --rep'"])
        #expect(fish.status == 0, "\(fish.stderr)")
        #expect(fish.stdout.contains("--sandbox\t") && fish.stdout.contains("--safe\t") && fish.stdout.contains("--replay\t"), "\(fish.stdout)")
    }

    /// The folder the Swift toolchain lives in (`/opt/swift` for `/opt/swift/usr/bin/swift`).
    static func toolchainRoot() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/swift") {
            let real = URL(fileURLWithPath: "\(folder)/swift").resolvingSymlinksInPath()
            // .../usr/bin/swift -> ...
            return real.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        }
        return nil
    }
}
