import HTTP1Client
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// `telnyx-lua serve app.lua` as its own process in a folder of its own, with what it prints
/// collected as it runs; and a signer that plays Telnyx, with a key pair of the test's own.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let folder: URL
    let url: String
    private let out = Locked(""), err = Locked("")

    /// Writes `app` to app.lua in a new folder and starts `telnyx-lua serve --port 0 <flags> app.lua`.
    init(app: String, flags: [String] = [], publicKey: String?, files: [String: String] = [:]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("telnyx-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try app.write(to: folder.appendingPathComponent("app.lua"), atomically: true, encoding: .utf8)
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        process.executableURL = URL(fileURLWithPath: Binaries.telnyxLua)
        process.arguments = ["serve", "--port", "0"] + flags + ["app.lua"]
        process.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("TELNYX_") || key.hasPrefix("LUA_") { env[key] = nil }
        env["TELNYX_API_KEY"] = Signer.apiKey
        if let publicKey { env["TELNYX_PUBLIC_KEY"] = publicKey }
        process.environment = env
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        for (pipe, sink) in [(outPipe, out), (errPipe, err)] {
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty { handle.readabilityHandler = nil; return }
                sink.update { $0 += String(decoding: data, as: UTF8.self) }
            }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        var found: String?
        while found == nil && Date() < deadline && process.isRunning {
            let text = out.get()
            if let start = text.range(of: "listening on http://") {
                let rest = text[text.index(start.upperBound, offsetBy: -7)...]
                if let end = rest.firstIndex(where: { $0 == " " || $0 == "\n" }) { found = String(rest[..<end]) }
            }
            if found == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        guard let found else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw StartError(stdout: out.get(), stderr: err.get())
        }
        url = found
    }

    var stdout: String { out.get() }
    var stderr: String { err.get() }

    /// Lines of stdout that start with `prefix`.
    func lines(_ prefix: String) -> [String] {
        stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
    }

    /// Waits until `condition(stdout)` holds; false after `timeout` seconds.
    @discardableResult
    func waitFor(timeout: TimeInterval = 20, _ condition: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(stdout) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition(stdout)
    }

    /// Sends `signal` and waits for the exit (SIGKILL after `timeout`); returns the status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM, timeout: TimeInterval = 30) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        Thread.sleep(forTimeInterval: 0.1)  // the last output
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: folder)
    }

    struct StartError: Error { let stdout: String; let stderr: String }
}

/// Plays Telnyx: signs deliveries as Telnyx does and posts them.
struct Signer: Sendable {
    /// The API key the served apps get: no byte of it may appear in any output.
    static let apiKey = "KEY0123SERVESECRET_do_not_print"
    /// The private key's raw bytes (the key type itself is not Sendable).
    private let keyBytes = Curve25519.Signing.PrivateKey().rawRepresentation
    var key: Curve25519.Signing.PrivateKey { try! Curve25519.Signing.PrivateKey(rawRepresentation: keyBytes) }
    var publicKey: String { key.publicKey.rawRepresentation.base64EncodedString() }

    struct Answer { let status: Int; let body: String; let headers: HTTPHeaders }

    /// The client every test posts with unless it brings its own.
    static let client = HTTP1Client()

    /// A delivery envelope as Telnyx sends it.
    static func envelope(_ type: String, id: String = UUID().uuidString, payload: [String: Any]) -> String {
        let object: [String: Any] = [
            "data": ["record_type": "event", "id": id, "event_type": type, "occurred_at": "2026-12-07T10:00:00.000Z",
                     "payload": payload],
            "meta": ["attempt": 1, "delivered_to": "http://127.0.0.1/webhooks"],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Headers signing `body` at `timestamp` (default now), by this signer or `other`.
    func headers(for body: String, timestamp: Int? = nil, signedBy other: Curve25519.Signing.PrivateKey? = nil) -> [(String, String)] {
        let time = String(timestamp ?? Int(Date().timeIntervalSince1970))
        let signature = try! (other ?? key).signature(for: Array((time + "|" + body).utf8))
        return [("telnyx-signature-ed25519", signature.base64EncodedString()), ("telnyx-timestamp", time)]
    }

    /// POSTs `body` to `url` with `headers` (default: signed now).
    func post(_ url: String, _ body: String, headers: [(String, String)]? = nil, contentType: String = "application/json",
              client: HTTP1Client = Signer.client) async throws -> Answer {
        let request = HTTP1Request(
            method: "POST", url: url, headers: [("content-type", contentType)] + (headers ?? self.headers(for: body)),
            body: Array(body.utf8))
        let response = try await client.perform(request, timeout: .seconds(30))
        return Answer(status: response.status, body: String(decoding: response.body, as: UTF8.self),
                      headers: HTTPHeaders(response.headers))
    }
}
