import Foundation
import NIOCore
import NIOPosix
import Telnyx
import XCTest

@testable import TelnyxSandbox

final class SimulationScaleTests: XCTestCase {
    /// Resident memory of this process (the sandbox runs in it), in MB.
    static func residentMB() -> Double {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
    }

    /// A thousand calls alive at once: each initiated and answered by its party, then hung up
    /// by a command; all 3,000 events arrive, signed, in order per call; memory stays bounded.
    func testThousandSimultaneousCalls() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        let count = 1000
        _ = try await rig.admin("/__sandbox/parties", ["number": "+13125550300", "answer_after_ms": 50])
        let rssBefore = Self.residentMB()
        let started = Date()
        let hook = rig.url + "/scale"
        let ids = try await withThrowingTaskGroup(of: String?.self) { group in
            for i in 0..<count {
                group.addTask {
                    let answer = try await rig.sandbox.send(.POST, "/v2/calls", json: [
                        "connection_id": "scale", "to": "+13125550300", "from": "+13125550301",
                        "webhook_url": .string(hook), "client_state": .string("call-\(i)"),
                    ])
                    return answer.json?["data"]?["call_control_id"]?.stringValue
                }
            }
            var ids: [String] = []
            for try await id in group { if let id { ids.append(id) } }
            return ids
        }
        XCTAssertEqual(ids.count, count)
        let dialled = Date().timeIntervalSince(started)
        try await rig.receiver.wait(seconds: 60, "every call answered") {
            $0.filter { $0.eventType == "call.answered" }.count >= count
        }
        let calls = try await rig.sandbox.send(.GET, "/__sandbox/calls", token: nil)
        XCTAssertEqual(calls.json?["meta"]?["live"]?.intValue, Int64(count), "all calls alive at once")
        let rssPeak = Self.residentMB()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for id in ids {
                group.addTask { try await rig.sandbox.send(.POST, "/v2/calls/\(id)/actions/hangup", json: [:]).status }
            }
            for try await status in group { XCTAssertEqual(status, 200) }
        }
        try await rig.receiver.wait(seconds: 60, "3000 events") { $0.filter { $0.path == "/scale" }.count >= count * 3 }
        let elapsed = Date().timeIntervalSince(started)
        let events = rig.receiver.events(at: "/scale")
        XCTAssertEqual(events.count, count * 3)
        XCTAssertTrue(events.allSatisfy(\.verified))
        var perCall: [String: [String]] = [:]
        for event in events {
            perCall[event.payload?["client_state"]?.stringValue ?? "", default: []].append(event.eventType ?? "")
        }
        XCTAssertEqual(perCall.count, count)
        XCTAssertTrue(perCall.values.allSatisfy { $0 == ["call.initiated", "call.answered", "call.hangup"] })
        let after = try await rig.sandbox.send(.GET, "/__sandbox/calls", token: nil)
        XCTAssertEqual(after.json?["meta"]?["live"], 0)
        XCTAssertEqual(after.json?["meta"]?["events_delivered"]?.intValue, Int64(count * 3))
        XCTAssertEqual(after.json?["meta"]?["events_failed"], 0)
        let rssAfter = Self.residentMB()
        print(String(format: "scale: %d calls dialled in %.2f s; all live at once; %d events delivered %.2f s after the first dial; RSS %.0f MB -> %.0f MB (all live) -> %.0f MB",
                     count, dialled, count * 3, elapsed, rssBefore, rssPeak, rssAfter))
        // The test's own receiver keeps every request too; the bound is generous but finite.
        XCTAssertLessThan(rssAfter - rssBefore, 300)
    }

    /// The calls kept are capped: the oldest ended ones go, live ones are never dropped.
    func testCallCapEvictsOldestEnded() async throws {
        let store = Store(factory: ResponseFactory(document: .object([:])), seed: 1, phoneNumbers: 1, bound: [])
        let simulation = Simulation(seed: 1, webhooks: WebhookSettings(), store: store)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        simulation.start(group: group)
        let sender = try XCTUnwrap(simulation.engine?.sender)
        let calls = CallSimulator(sender: sender, ids: simulation.ids, parties: simulation.parties, routing: simulation.routing, capacity: 3)
        func make(_ n: Int) -> SimulatedCall {
            SimulatedCall(id: "c\(n)", legID: "l", sessionID: "s", kind: .callControl, direction: "outgoing", from: "+1", to: "+2",
                          connectionID: "x", destination: WebhookDestination(), clientState: nil, party: .standard("+2"))
        }
        XCTAssertTrue(calls.add(make(1)))
        XCTAssertTrue(calls.add(make(2)))
        XCTAssertTrue(calls.add(make(3)))
        XCTAssertFalse(calls.add(make(4)), "all kept calls are live: refused")
        calls.hangup("c2", cause: "normal_clearing", source: "caller", by: "test")
        XCTAssertTrue(calls.add(make(4)))
        XCTAssertNil(calls.call("c2"), "the ended call went")
        XCTAssertNotNil(calls.call("c1"))
        await simulation.shutdown()
        try await group.shutdownGracefully()
    }
}
