import HTTP1Client
import Foundation
import NIOCore
import Telnyx
import TelnyxSandbox
import Testing

/// The sandbox's resource bounds under attack: bodies too big to hold, a log that must not
/// grow, and connections that send too slowly or not at all.
@Suite struct ResourceBoundsTests {
    static let request = "GET /v2/phone_numbers HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer t\r\n"

    /// A sandbox with these limits and its port.
    static func start(_ limits: SandboxLimits) async throws -> (Harness, Int) {
        let h = try await Harness.start(SandboxConfiguration(limits: limits))
        return (h, port(of: h.base))
    }

    @Test func anAnnouncedBodyOverTheLimitIs413BeforeItIsRead() async throws {
        // The rest of a refused body is drained, but no longer than the read timeout.
        let (h, port) = try await Self.start(SandboxLimits(maxBodyBytes: 1 << 20, requestReadTimeout: 2))
        defer { Task { try await h.stop() } }
        let (bytes, closed) = try await RawSocket.run {
            let socket = try RawSocket(port: port)
            socket.send("POST /v2/phone_numbers HTTP/1.1\r\nHost: s\r\nContent-Type: application/json\r\n"
                + "Content-Length: 104857600\r\n\r\n{\"tags\":[")
            return socket.readUntilClosed(timeout: 5)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 413"), "\(text)")
        #expect(text.contains(#""title":"Request body too large""#))
        #expect(text.contains("1048576 bytes"))
        #expect(closed)
        // Counted in the log like any answer, and the sandbox serves the next client.
        let counters = try await h.counters()
        #expect(counters["by_status"]?["413"] == 1)
        #expect(try await h.send(.GET, "/v2/phone_numbers").status == 200)
        // A client that uploads the whole body anyway (as HTTP libraries do) reads the 413, not
        // a reset: the rest of the body is drained before the connection closes.
        let whole = try await h.send(.POST, "/v2/phone_numbers", raw: "\"" + String(repeating: "a", count: 3 << 20) + "\"")
        #expect(whole.status == 413)
        // On the same connection, once the refused body has been drained, the next request is
        // served; a refused body far beyond the limit is not drained forever but cut.
        let (next, cut) = try await RawSocket.run { () -> (String, Bool) in
            let socket = try RawSocket(port: port)
            socket.send("POST /v2/phone_numbers HTTP/1.1\r\nHost: s\r\nContent-Length: \(2 << 20)\r\n\r\n")
            socket.send([UInt8](repeating: UInt8(ascii: "x"), count: 2 << 20))
            socket.send(Self.request + "\r\n")
            let answers = String(decoding: socket.readUntilClosed(timeout: 1).bytes, as: UTF8.self)
            let flood = try RawSocket(port: port)
            flood.send("POST /v2/phone_numbers HTTP/1.1\r\nHost: s\r\nContent-Length: 104857600\r\n\r\n")
            var sent = 0
            while sent < 100 << 20, flood.send([UInt8](repeating: 0, count: 1 << 20)) { sent += 1 << 20 }
            return (answers, sent < 100 << 20)
        }
        #expect(next.hasPrefix("HTTP/1.1 413"), "\(next)")
        #expect(next.contains("HTTP/1.1 200"), "\(next)")
        #expect(cut, "a 100 MB refused body was drained to its end")
        // A body just under the limit is still read and answered.
        let fits = try await h.send(.POST, "/v2/phone_numbers/x/actions/none", raw: "\"" + String(repeating: "a", count: (1 << 20) - 10) + "\"")
        #expect(fits.status != 413)
    }

    @Test func aChunkedBodyIsCutOffAtTheLimit() async throws {
        let (h, port) = try await Self.start(SandboxLimits(maxBodyBytes: 1 << 20, requestReadTimeout: 2))
        defer { Task { try await h.stop() } }
        let (text, sent) = try await RawSocket.run { () -> (String, Int) in
            let socket = try RawSocket(port: port)
            socket.send("POST /v2/phone_numbers HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = Array("10000\r\n".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 65_536) + Array("\r\n".utf8)
            var sent = 0
            // Up to 64 MiB, stopping as soon as the answer arrives.
            while sent < 64 << 20, !socket.readable, socket.send(chunk) { sent += 65_536 }
            return (String(decoding: socket.readUntilClosed(timeout: 5).bytes, as: UTF8.self), sent)
        }
        #expect(text.hasPrefix("HTTP/1.1 413"), "\(text)")
        #expect(sent < 32 << 20, "the answer came after \(sent) bytes")
        #expect(try await h.send(.GET, "/v2/phone_numbers").status == 200)
    }

    /// 100 MB sent to a `telnyx-sandbox` process of its own, so its memory is measured alone:
    /// once announced, once streamed in chunks with no length.
    @Test func a100MBBodyLeavesTheSandboxsMemoryBounded() async throws {
        let sandbox = try SandboxChild()
        defer { sandbox.stop() }
        let before = memoryMegabytes(pid: sandbox.pid)
        let port = port(of: sandbox.baseURL)
        let outcome = try await RawSocket.run { () -> (String, String, Int) in
            let announced = try RawSocket(port: port)
            announced.send("POST /v2/phone_numbers HTTP/1.1\r\nHost: s\r\nContent-Length: 104857600\r\n\r\n")
            let block = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
            var sent = 0
            while sent < 100 << 20, !announced.readable, announced.send(block) { sent += 1 << 20 }
            let first = String(decoding: announced.readUntilClosed(timeout: 2).bytes, as: UTF8.self)

            let chunked = try RawSocket(port: port)
            chunked.send("POST /v2/phone_numbers HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = Array("100000\r\n".utf8) + block + Array("\r\n".utf8)
            var streamed = 0
            while streamed < 100 << 20, !chunked.readable, chunked.send(chunk) { streamed += 1 << 20 }
            let second = String(decoding: chunked.readUntilClosed(timeout: 2).bytes, as: UTF8.self)
            return (first, second, streamed)
        }
        #expect(outcome.0.hasPrefix("HTTP/1.1 413"), "\(outcome.0)")
        #expect(outcome.1.hasPrefix("HTTP/1.1 413"), "\(outcome.1)")
        #expect(outcome.2 <= 48 << 20, "the chunked answer came after \(outcome.2 >> 20) MiB")
        let after = memoryMegabytes(pid: sandbox.pid)
        // The default limit is 16 MiB: the peak may hold it (and a copy), never the 100 MB.
        print("sandbox memory: \(before.resident) MB before, \(after.resident) MB after, peak \(after.peak) MB")
        #expect(after.peak - before.resident < 64, "peak \(after.peak) MB from \(before.resident) MB")
        #expect(try await sandbox.get("/v2/phone_numbers") == 200)
    }

    @Test func theRequestLogIsARingWithAByteCap() async throws {
        let limits = SandboxLimits(logEntries: 50, logBytes: 64 << 10, logBodyBytes: 4 << 10)
        let (h, _) = try await Self.start(limits)
        defer { Task { try await h.stop() } }
        let body = "\"" + String(repeating: "b", count: 10_000) + "\""
        for i in 0..<120 {
            _ = try await h.send(.POST, "/v2/phone_numbers/n\(i)/actions/x", raw: body)
        }
        let log = try #require(try await h.send(.GET, "/__sandbox/requests", token: nil).json)
        let requests = log["requests"]?.arrayValue ?? []
        let bytes = log["counters"]?["log_bytes"]?.intValue ?? -1
        #expect(log["counters"]?["total"] == 120)
        #expect(requests.count <= 50 && requests.count >= 10, "\(requests.count) entries")
        #expect(bytes > 0 && bytes <= 64 << 10, "\(bytes) bytes")
        #expect(requests.allSatisfy { ($0["body"]?.stringValue?.utf8.count ?? 0) <= 4 << 10 })
        // The newest entries are the ones kept, in order.
        #expect(requests.last?["path"] == "/v2/phone_numbers/n119/actions/x")
        let paths = requests.compactMap { $0["path"]?.stringValue }
        let numbers = paths.compactMap { Int($0.split(separator: "/")[2].dropFirst()) }
        #expect(numbers == Array((120 - numbers.count)..<120))
        // An entry bigger than the whole cap is counted but not kept.
        _ = try await h.send(.GET, "/v2/phone_numbers?q=" + String(repeating: "q", count: 70 << 10))
        let after = try #require(try await h.send(.GET, "/__sandbox/requests", token: nil).json)
        #expect(after["counters"]?["total"] == 121)
        #expect((after["counters"]?["log_bytes"]?.intValue ?? -1) <= 64 << 10)
    }

    @Test func halfAHeaderIsAnswered408AndClosedWithinTheReadTimeout() async throws {
        let (h, port) = try await Self.start(SandboxLimits(requestReadTimeout: 1, idleTimeout: 30))
        defer { Task { try await h.stop() } }
        let (text, closed, elapsed) = try await RawSocket.run { () -> (String, Bool, Double) in
            let socket = try RawSocket(port: port)
            let started = Date()
            socket.send(String(Self.request.prefix(30)))
            let (bytes, closed) = socket.readUntilClosed(timeout: 5)
            return (String(decoding: bytes, as: UTF8.self), closed, Date().timeIntervalSince(started))
        }
        print("half a header: closed after \(String(format: "%.2f", elapsed)) s")
        #expect(closed)
        #expect(text.hasPrefix("HTTP/1.1 408"), "\(text)")
        #expect(elapsed > 0.8 && elapsed < 2.5, "\(elapsed) s")
        #expect(try await h.send(.GET, "/v2/phone_numbers").status == 200)
    }

    @Test func aHeaderDrippedAByteAtATimeIsClosedAtTheDeadlineAllTheSame() async throws {
        let (h, port) = try await Self.start(SandboxLimits(requestReadTimeout: 1, idleTimeout: 30))
        defer { Task { try await h.stop() } }
        let (closed, elapsed) = try await RawSocket.run { () -> (Bool, Double) in
            let socket = try RawSocket(port: port)
            let started = Date()
            for byte in Array(Self.request.utf8) {
                // Never silent for long: an idle timeout alone would never fire.
                if !socket.send([byte]) || socket.readable { break }
                Thread.sleep(forTimeInterval: 0.1)
            }
            let closed = socket.readUntilClosed(timeout: 5).closed
            return (closed, Date().timeIntervalSince(started))
        }
        #expect(closed)
        #expect(elapsed < 2.5, "\(elapsed) s")
        _ = h
    }

    @Test func anIdleConnectionIsClosedAndABusyOneIsNot() async throws {
        let (h, port) = try await Self.start(SandboxLimits(requestReadTimeout: 5, idleTimeout: 1))
        defer { Task { try await h.stop() } }
        // Silent from the start.
        let silent = try await RawSocket.run { () -> (Bool, Double) in
            let socket = try RawSocket(port: port)
            let started = Date()
            let closed = socket.readUntilClosed(timeout: 5).closed
            return (closed, Date().timeIntervalSince(started))
        }
        print("idle connection: closed after \(String(format: "%.2f", silent.1)) s")
        #expect(silent.0)
        #expect(silent.1 > 0.8 && silent.1 < 2.5, "\(silent.1) s")
        // A delayed answer longer than the idle timeout is still delivered: the client is
        // waiting on the sandbox, not idling.
        try await h.configure(["latency_ms": 1800])
        #expect(try await h.send(.GET, "/v2/phone_numbers").status == 200)
        try await h.configure(["latency_ms": 0])
        // After a complete exchange, a kept-alive connection left silent is closed.
        let keptAlive = try await RawSocket.run { () -> (String, Bool) in
            let socket = try RawSocket(port: port)
            socket.send(Self.request + "\r\n")
            let (bytes, closed) = socket.readUntilClosed(timeout: 5)
            return (String(decoding: bytes, as: UTF8.self), closed)
        }
        #expect(keptAlive.0.hasPrefix("HTTP/1.1 200"))
        #expect(keptAlive.1)
    }
}

/// `telnyx-sandbox` in a process of its own (found beside the test bundle, or in .build/debug).
final class SandboxChild: @unchecked Sendable {
    let process: Process
    let baseURL: String
    var pid: Int32 { process.processIdentifier }

    init(_ arguments: [String] = []) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("telnyx-sandbox"),
            root.appendingPathComponent(".build/debug/telnyx-sandbox"),
        ]
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw RawSocket.Failure("telnyx-sandbox not built")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--port", "0"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var bytes: [UInt8] = []
        while !bytes.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            bytes += chunk
        }
        let banner = String(decoding: bytes, as: UTF8.self)
        guard let base = banner.split(separator: " ").first(where: { $0.hasPrefix("http://") }) else {
            process.terminate()
            throw RawSocket.Failure("no banner: \(banner)")
        }
        self.process = process
        baseURL = String(base)
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    /// The status of a GET.
    func get(_ path: String) async throws -> Int {
        let client = HTTP1Client()
        defer { client.shutdown() }
        let request = HTTP1Request(method: "GET", url: baseURL + path, headers: [("Authorization", "Bearer test")])
        return try await client.perform(request, timeout: .seconds(30), limit: 16 << 20).status
    }
}
