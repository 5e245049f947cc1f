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

    @Test func aMillionNumbersStartFastInLittleMemory() async throws {
        let before = residentMegabytes()
        let started = ContinuousClock.now
        let h = try await Harness.start(SandboxConfiguration(phoneNumbers: 1_000_000))
        defer { Task { try await h.stop() } }
        let startup = ContinuousClock.now - started
        let last = try await h.send(.GET, "/v2/phone_numbers?page[size]=250&page[number]=4000")
        #expect(last.json?["meta"]?["total_results"] == 1_000_000)
        let id = try #require(last.json?["data"]?[249]?["id"]?.stringValue)
        #expect(try await h.send(.GET, "/v2/phone_numbers/\(id)").status == 200)
        let grown = residentMegabytes() - before
        #expect(startup < .seconds(3), "startup \(startup)")
        #expect(grown < 150, "grew \(grown) MB")
    }

    private func residentMegabytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }
}
