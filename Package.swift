// swift-tools-version:6.0
// telnyx-lua: the Telnyx API in an embedded Lua 5.4, with a REPL, a script runner and a sandbox.
import PackageDescription

/// A folder whose `libstdc++.so` is a linker script naming the static archive, searched before
/// the system's: the release binary then carries the C++ library the Swift runtime uses instead
/// of loading libstdc++.so, whose symbol binding was most of the dynamic loader's work at start-up
/// (docs/benchmarks.md). `-lstdc++` comes from the toolchain ahead of any flag given here, so
/// the search path is the one place to steer it.
let staticCxx = String(#filePath.dropLast("Package.swift".count)) + "build-support/static-cxx"

let package = Package(
    name: "telnyx-lua",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "TelnyxLua", targets: ["TelnyxLua"]),
        .library(name: "Telnyx", targets: ["Telnyx"]),
        .executable(name: "telnyx-lua", targets: ["telnyx-lua"]),
        .executable(name: "telnyx-sandbox", targets: ["telnyx-sandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // System libraries (module maps only): Lua 5.4 and libedit from Debian's -dev packages.
        .systemLibrary(
            name: "CLua", pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]),
        // libedit is linked into the executable from its static archives (below), not named here.
        .systemLibrary(
            name: "CEditline",
            providers: [.apt(["libedit-dev"])]),
        // The Lua C API that Swift cannot import (macros) and the trampolines that raise
        // errors and yields on behalf of Swift functions.
        .target(name: "LuaShims", dependencies: ["CLua", "CConfinement", "CMemoryBudget"]),
        // One memory budget for the process (`--max-memory`), shared by Lua's allocator and
        // the client's large buffers.
        .target(name: "CMemoryBudget"),
        // `--safe`'s kernel wall (Landlock, seccomp with Debian's libseccomp-dev) and paths
        // opened beneath the recipe's folder; Confinement is its Swift face.
        // libseccomp's static archive: one shared library fewer to map and bind at every start.
        .target(name: "CConfinement", linkerSettings: [.unsafeFlags(["-Xlinker", "-l:libseccomp.a"])]),
        .target(name: "Confinement", dependencies: ["CConfinement"]),
        // Generated data compiled into the binary: the API catalog and the bundled stdlib.
        .target(name: "CTelnyxCatalog"),
        .target(name: "CTelnyxStdlib"),
        // The commit `--version` names (scripts/build-info writes it before a build).
        .target(name: "CBuildInfo"),

        // A small HTTP/1.1 client on SwiftNIO: pooled keep-alive connections, TLS, deadlines,
        // cancellation, redirects; what the API client and the sandbox's webhooks send with.
        .target(
            name: "HTTP1Client",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        // Ed25519 and SHA-256 for webhook signatures, from the BoringSSL swift-nio-ssl links.
        .target(
            name: "SignatureCrypto",
            dependencies: [.product(name: "NIOSSL", package: "swift-nio-ssl")]),
        // The API client, usable from Swift without Lua.
        .target(
            name: "Telnyx",
            dependencies: [
                "CTelnyxCatalog", "CMemoryBudget", "HTTP1Client",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // What the sandbox's and `serve`'s HTTP servers share: the slow-client guard, the request reader.
        .target(
            name: "ServerSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        // `telnyx-lua serve`'s listener: signature checks, acknowledgement, the inbox Lua reads.
        .target(
            name: "TelnyxEvents",
            dependencies: [
                "Telnyx", "ServerSupport", "SignatureCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        // The embeddable Lua host.
        .target(
            name: "TelnyxLua",
            dependencies: [
                "Telnyx", "TelnyxEvents", "LuaShims", "CLua", "CTelnyxStdlib", "CConfinement", "CMemoryBudget",
                "SignatureCrypto",
            ]),
        // The Telnyx API simulator.
        .target(
            name: "TelnyxSandbox",
            dependencies: [
                "Telnyx", "ServerSupport", "HTTP1Client",
                // Simulation/: signed webhooks and TeXML fetches (outgoing HTTP), Ed25519 keys.
                "SignatureCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "telnyx-lua",
            dependencies: ["TelnyxLua", "TelnyxSandbox", "CEditline", "CLua", "LuaShims", "Confinement", "CBuildInfo"],
            // Linked by lld: identical functions whose address is never taken folded into one
            // (generic specialisations often come out the same), and relative relocations packed
            // (DT_RELR): 1.6 MB less, and fewer relocations to apply at every start. Its own
            // symbols are not exported (the static Swift runtime asks for all of them to be): about
            // 17,000 names the dynamic loader and the runtime's start-up scanned for nothing.
            linkerSettings: [.unsafeFlags(
                ["-use-ld=lld", "-Xlinker", "--icf=safe", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                 "-Xlinker", "--no-export-dynamic", "-L" + staticCxx,
                 // The REPL's libedit and what it needs, from their static archives: four shared
                 // libraries fewer to map and bind at every start, REPL or not.
                 "-Xlinker", "-l:libedit.a", "-Xlinker", "-l:libtinfo.a", "-Xlinker", "-l:libbsd.a",
                 "-Xlinker", "-l:libmd.a"],
                .when(platforms: [.linux]))]),
        .executableTarget(
            name: "telnyx-sandbox",
            dependencies: ["TelnyxSandbox"]),

        // Also TLS against a loopback server, with certificates `openssl` makes for the test.
        .testTarget(
            name: "HTTP1ClientTests",
            dependencies: [
                "HTTP1Client",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        .testTarget(
            name: "TelnyxTests",
            dependencies: [
                "Telnyx", "TelnyxSandbox",
                // The loopback HTTP server the client tests talk to.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "TelnyxLuaTests",
            dependencies: [
                "TelnyxLua", "TelnyxSandbox", "TelnyxEvents",
                .product(name: "Crypto", package: "swift-crypto"),
                // Support/TestServer.swift (a link to TelnyxTests' copy) for malformed responses.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            exclude: ["Lua"]),
        .testTarget(
            name: "TelnyxSandboxTests",
            dependencies: [
                "TelnyxSandbox", "Telnyx", "SignatureCrypto",
                // WebhookReceiver verifies every signature with the sandbox's public key.
                .product(name: "Crypto", package: "swift-crypto"),
                "HTTP1Client",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "TelnyxSandbox", "HTTP1Client",
                // serve's tests sign deliveries with a key of their own and post them over HTTP.
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Applies --safe's kernel confinement to itself and reports what the kernel still
        // allows, for EndToEndTests (the Lua layer cannot be bypassed from a script).
        .executableTarget(name: "confinement-probe", dependencies: ["Confinement"], path: "Tests/ConfinementProbe"),
    ],
    swiftLanguageModes: [.v6]
)

