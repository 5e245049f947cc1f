import HTTP1Client
import Foundation
import Telnyx
import TelnyxSandbox
import Testing

@Suite struct PaginationAndScaleTests {
    @Test func texmlListsFollowNextPageURI() async throws {
        let h = try await Harness.start()
        defer { Task { try await h.stop() } }
        var next: String? = "/v2/texml/Accounts/AC1/Calls?PageSize=10"
        var sids: [String] = []
        var pages = 0
        while let url = next, pages < 10 {
            let page = try #require(try await h.send(.GET, url).json)
            sids += (page["calls"]?.arrayValue ?? []).compactMap { ($0["sid"] ?? $0["call_sid"])?.stringValue }
            let uri = page["next_page_uri"]?.stringValue ?? ""
            next = uri.isEmpty ? nil : (uri.hasPrefix("/v2") ? uri : "/v2" + uri)
            pages += 1
        }
        #expect(pages == 3)
        #expect(Set(sids).count == 25)
    }

    /// Runs `telnyx-sandbox` in a process of its own, so the memory measured is the sandbox's
    /// alone and not that of the tests running beside this one.
    @Test func aMillionNumbersStartFastInLittleMemory() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("telnyx-sandbox"),
            root.appendingPathComponent(".build/debug/telnyx-sandbox"),
        ]
        let binary = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) })
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--port", "0", "--phone-numbers", "1000000"]
        let output = Pipe()
        process.standardOutput = output
        let started = ContinuousClock.now
        try process.run()
        defer { process.terminate() }
        // The banner is the first line; reading blocks briefly, which a test can afford.
        var bytes: [UInt8] = []
        while !bytes.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            bytes += chunk
        }
        let banner = String(decoding: bytes, as: UTF8.self)
        let startup = ContinuousClock.now - started
        let base = try #require(banner.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init), "\(banner)")
        let client = HTTP1Client()
        defer { client.shutdown() }
        func get(_ path: String) async throws -> (Int, JSONValue?) {
            let request = HTTP1Request(method: "GET", url: base + path, headers: [("Authorization", "Bearer test")])
            let response = try await client.perform(request, timeout: .seconds(30), limit: 16 << 20)
            return (response.status, try? JSONValue.parse(response.body))
        }
        let last = try await get("/v2/phone_numbers?page[size]=250&page[number]=4000")
        #expect(last.1?["meta"]?["total_results"] == 1_000_000)
        let id = try #require(last.1?["data"]?[249]?["id"]?.stringValue)
        #expect(try await get("/v2/phone_numbers/\(id)").0 == 200)
        let resident = residentMegabytes(pid: process.processIdentifier)
        #expect(startup < .seconds(3), "startup \(startup)")
        #expect(resident > 0 && resident < 150, "resident \(resident) MB")
    }

    private func residentMegabytes(pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }
}
