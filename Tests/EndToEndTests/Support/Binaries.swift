import Foundation

/// Finds and runs the built executables as real processes.
enum Binaries {
    /// The folder holding the test bundle, where `swift build` also put the executables.
    static let buildFolder: URL = {
        if let override = ProcessInfo.processInfo.environment["TELNYX_BUILD_DIR"] {
            return URL(fileURLWithPath: override)
        }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).absoluteURL
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("telnyx-lua").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    static var telnyxLua: String { buildFolder.appendingPathComponent("telnyx-lua").path }
    static var telnyxSandbox: String { buildFolder.appendingPathComponent("telnyx-sandbox").path }

    /// The repository root (for stdlib/ and scripts/).
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `executable` with `arguments`, feeding `stdin`, and waits for it (at most `timeout`).
    static func run(_ executable: String, _ arguments: [String], stdin: String? = nil,
                    environment: [String: String] = [:], directory: URL? = nil,
                    timeout: TimeInterval = 60) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("TELNYX_") || key.hasPrefix("LUA_") { env[key] = nil }
        env.merge(environment) { _, new in new }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes while the process runs, so a full pipe never blocks it.
        let outData = Locked(Data()), errData = Locked(Data())
        let group = DispatchGroup()
        for (pipe, sink) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw TimeoutError(command: ([executable] + arguments).joined(separator: " "))
        }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       stdout: String(decoding: outData.get(), as: UTF8.self),
                       stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    struct TimeoutError: Error { let command: String }
}

/// A value shared between threads under a lock.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func update<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
