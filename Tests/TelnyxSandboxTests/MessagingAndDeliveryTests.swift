import NIOCore
import Telnyx
import XCTest

@testable import TelnyxSandbox

final class MessagingAndDeliveryTests: XCTestCase {
    /// messages.send: queued in the answer, then message.sent and message.finalized, signed,
    /// to the message's webhook_url; an inbound message arrives as message.received at the
    /// number's messaging profile's webhook_url.
    func testSentThenFinalizedAndInbound() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        let sent = try await rig.sandbox.send(.POST, "/v2/messages", json: [
            "from": "+13125550001", "to": "+13125550002", "text": "hello", "webhook_url": .string(rig.url + "/sms"),
        ])
        XCTAssertEqual(sent.status, 200, String(decoding: sent.bytes, as: UTF8.self))
        let id = try XCTUnwrap(sent.json?["data"]?["id"]?.stringValue)
        XCTAssertEqual(sent.json?["data"]?["to"]?[0]?["status"], "queued")
        let events = try await rig.receiver.wait("message.finalized") { $0.contains { $0.eventType == "message.finalized" } }
        XCTAssertEqual(events.compactMap(\.eventType), ["message.sent", "message.finalized"])
        XCTAssertTrue(events.allSatisfy(\.verified))
        XCTAssertEqual(events.map { $0.payload?["id"]?.stringValue }, [id, id])
        XCTAssertEqual(events.map { $0.payload?["to"]?[0]?["status"]?.stringValue }, ["sent", "delivered"])
        XCTAssertEqual(events.first?.payload?["text"], "hello")

        // A profile created through the API, set on a number: inbound messages go to its URL.
        let profile = try await rig.sandbox.send(.POST, "/v2/messaging_profiles", json: [
            "name": "p", "whitelisted_destinations": ["US"], "webhook_url": .string(rig.url + "/profile"),
        ])
        let profileID = try XCTUnwrap(profile.json?["data"]?["id"]?.stringValue)
        let numberID = try XCTUnwrap(rig.sandbox.server.seededID(route: "/phone_numbers/{id}", parameter: "id", index: 5))
        let number = try await rig.sandbox.send(.PATCH, "/v2/phone_numbers/\(numberID)", json: ["messaging_profile_id": .string(profileID)])
        let to = try XCTUnwrap(number.json?["data"]?["phone_number"]?.stringValue)
        let inbound = try await rig.admin("/__sandbox/messages/inbound", ["from": "+13125550003", "to": .string(to), "text": "hi there"])
        XCTAssertEqual(inbound.status, 200, String(decoding: inbound.bytes, as: UTF8.self))
        let received = try await rig.receiver.wait("message.received") { $0.contains { $0.eventType == "message.received" } }
        let event = try XCTUnwrap(received.first { $0.eventType == "message.received" })
        XCTAssertEqual(event.path, "/profile")
        XCTAssertTrue(event.verified)
        XCTAssertEqual(event.payload?["text"], "hi there")
        XCTAssertEqual(event.payload?["direction"], "inbound")
        XCTAssertEqual(event.payload?["from"]?["phone_number"], "+13125550003")
    }

    /// A receiver answering 500: three attempts (1 s, 2 s apart normally; 10 ms here), then the
    /// failover URL; webhook_deliveries lists the delivery with every attempt. A receiver that is
    /// down gets connection errors and the delivery fails.
    func testRetriesThenFailoverAndDeliveryLog() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        rig.receiver.respond("/broken", status: 500, contentType: "text/plain", body: "boom")
        _ = try await rig.sandbox.send(.POST, "/v2/messages", json: [
            "from": "+13125550001", "to": "+13125550002", "text": "retry me",
            "webhook_url": .string(rig.url + "/broken"), "webhook_failover_url": .string(rig.url + "/failover"),
        ])
        let seen = try await rig.receiver.wait("both events on the failover") { $0.filter { $0.path == "/failover" }.count == 2 }
        XCTAssertEqual(seen.filter { $0.path == "/broken" }.count, 6)
        XCTAssertTrue(seen.allSatisfy(\.verified))
        let sentAttempts = seen.filter { $0.eventType == "message.sent" }
        XCTAssertEqual(sentAttempts.compactMap { $0.json?["meta"]?["attempt"]?.intValue }, [1, 2, 3, 4])
        XCTAssertEqual(sentAttempts.last?.json?["meta"]?["delivered_to"]?.stringValue, rig.url + "/failover")
        // Each attempt is a fresh signature over its own body; the event id stays the same.
        XCTAssertEqual(Set(sentAttempts.compactMap { $0.json?["data"]?["id"]?.stringValue }).count, 1)

        let list = try await rig.sandbox.send(.GET, "/v2/webhook_deliveries?filter[event_type]=message.sent")
        XCTAssertEqual(list.status, 200)
        let deliveries = list.json?["data"]?.arrayValue ?? []
        XCTAssertEqual(deliveries.count, 1)
        let delivery = try XCTUnwrap(deliveries.first)
        XCTAssertEqual(delivery["status"], "delivered")
        XCTAssertEqual(delivery["record_type"], "webhook_delivery")
        XCTAssertEqual(delivery["webhook"]?["event_type"], "message.sent")
        let attempts = delivery["attempts"]?.arrayValue ?? []
        XCTAssertEqual(attempts.map { $0["status"]?.stringValue }, ["failed", "failed", "failed", "delivered"])
        XCTAssertEqual(attempts.map { $0["http"]?["response"]?["status"]?.intValue }, [500, 500, 500, 200])
        XCTAssertEqual(attempts.first?["http"]?["response"]?["body"], "boom")
        XCTAssertEqual(list.json?["meta"]?["total_results"], 1)
        try SchemaCheck.assertValid(list, method: "webhook_deliveries.list")
        let badPage = try await rig.sandbox.send(.GET, "/v2/webhook_deliveries?page[size]=0")
        XCTAssertEqual(badPage.status, 400)
        let one = try await rig.sandbox.send(.GET, "/v2/webhook_deliveries/\(delivery["id"]?.stringValue ?? "")")
        XCTAssertEqual(one.json?["data"]?["attempts"]?.arrayValue?.count, 4)
        try SchemaCheck.assertValid(one, method: "webhook_deliveries.retrieve")

        // Receiver down: connection errors on every attempt, then failed for good.
        _ = try await rig.sandbox.send(.POST, "/v2/messages", json: [
            "from": "+13125550001", "to": "+13125550002", "text": "nobody home", "webhook_url": "http://127.0.0.1:1/down",
        ])
        var failed: [JSONValue] = []
        for _ in 0..<300 where failed.count < 2 {
            try await Task.sleep(nanoseconds: 20_000_000)
            let page = try await rig.sandbox.send(.GET, "/v2/webhook_deliveries?filter[status][eq]=failed")
            failed = page.json?["data"]?.arrayValue ?? []
        }
        XCTAssertEqual(failed.count, 2)
        XCTAssertEqual(failed.first?["attempts"]?.arrayValue?.count, 3)
        XCTAssertEqual(failed.first?["attempts"]?[0]?["errors"], [1])
        // Not loopback: refused at once, one attempt, error 3.
        _ = try await rig.sandbox.send(.POST, "/v2/messages", json: [
            "from": "+13125550001", "to": "+13125550002", "text": "faraway", "webhook_url": "https://example.com/hook",
        ])
        try await Task.sleep(nanoseconds: 300_000_000)
        let refused = try await rig.sandbox.send(.GET, "/v2/webhook_deliveries?filter[webhook][contains]=faraway")
        XCTAssertEqual(refused.json?["data"]?[0]?["attempts"]?[0]?["errors"], [3])
    }

    /// Delivery faults: duplicates repeat the same event id; delayed deliveries come late;
    /// reordered events are overtaken by later ones.
    func testDuplicateDelayAndReorderFaults() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        try await rig.sandbox.configure(["webhooks": ["duplicate_rate": 1.0]])
        let twice = try await rig.sandbox.send(.POST, "/v2/messages", json: [
            "from": "+13125550001", "to": "+13125550002", "text": "twice", "webhook_url": .string(rig.url + "/dup"),
        ])
        XCTAssertEqual(twice.status, 200, String(decoding: twice.bytes, as: UTF8.self))
        try await rig.receiver.wait("duplicates") { $0.filter { $0.path == "/dup" }.count >= 4 }
        try await Task.sleep(nanoseconds: 200_000_000)
        let ids = rig.receiver.received.filter { $0.path == "/dup" }.compactMap { $0.json?["data"]?["id"]?.stringValue }
        XCTAssertEqual(ids.count, 4, "each event twice, duplicates not duplicated again")
        XCTAssertEqual(Set(ids).count, 2, "a duplicate keeps the event id")

        // Half the events held back 300 ms: over 20 messages, some message.finalized overtakes
        // its message.sent (the seeded generator makes the run repeat).
        try await rig.sandbox.configure(["webhooks": ["duplicate_rate": 0.0, "reorder_rate": 0.5, "reorder_delay_ms": 300]])
        for i in 0..<20 {
            _ = try await rig.sandbox.send(.POST, "/v2/messages", json: [
                "from": "+13125550001", "to": "+13125550002", "text": .string("shuffled \(i)"),
                "webhook_url": .string(rig.url + "/reorder"),
            ])
        }
        let shuffled = try await rig.receiver.wait("reordered") { $0.filter { $0.path == "/reorder" }.count == 40 }
        var order: [String: [String]] = [:]
        for event in shuffled where event.path == "/reorder" {
            order[event.payload?["id"]?.stringValue ?? "", default: []].append(event.eventType ?? "")
        }
        XCTAssertEqual(order.count, 20)
        XCTAssertTrue(order.values.contains(["message.finalized", "message.sent"]), "some events arrive out of order")

        try await rig.sandbox.configure(["webhooks": ["reorder_rate": 0.0, "delay_ms": 400]])
        let before = Date()
        _ = try await rig.sandbox.send(.POST, "/v2/messages", json: [
            "from": "+13125550001", "to": "+13125550002", "text": "late", "webhook_url": .string(rig.url + "/late"),
        ])
        _ = try await rig.receiver.wait("delayed") { $0.contains { $0.path == "/late" } }
        XCTAssertGreaterThan(Date().timeIntervalSince(before), 0.4)
        let config = try await rig.sandbox.send(.GET, "/__sandbox/config", token: nil)
        XCTAssertEqual(config.json?["webhooks"]?["delay_ms"], 400)
    }
}
