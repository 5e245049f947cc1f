import NIOCore
import Telnyx
import XCTest

@testable import TelnyxSandbox

/// A sandbox, a receiver verifying with its published key, and fast retries.
struct SimulationRig {
    let sandbox: Harness
    let receiver: WebhookReceiver
    let url: String

    static func start(_ configuration: SandboxConfiguration = SandboxConfiguration()) async throws -> SimulationRig {
        let sandbox = try await Harness.start(configuration)
        let key = try await sandbox.send(.GET, "/__sandbox/public_key", token: nil).json?["public_key"]?.stringValue
        let receiver = WebhookReceiver(publicKeyBase64: try XCTUnwrap(key))
        let url = try await receiver.start()
        try await sandbox.configure(["webhooks": ["retry_delay_ms": 10]])
        return SimulationRig(sandbox: sandbox, receiver: receiver, url: url)
    }

    func stop() async throws {
        try await sandbox.stop()
        try await receiver.stop()
    }

    /// POSTs an admin request and returns the answer.
    func admin(_ path: String, _ body: JSONValue) async throws -> Harness.Answer {
        try await sandbox.send(.POST, path, json: body, token: nil)
    }
}

final class CallControlSimulationTests: XCTestCase {
    func testPublicKeyFollowsTheSeed() async throws {
        var keys: [String] = []
        for seed: UInt64 in [7, 7, 8] {
            let h = try await Harness.start(SandboxConfiguration(seed: seed))
            let key = try await h.send(.GET, "/__sandbox/public_key", token: nil).json?["public_key"]?.stringValue ?? ""
            XCTAssertEqual(Data(base64Encoded: key)?.count, 32)
            XCTAssertEqual(h.server.publicKey, key)
            keys.append(key)
            try await h.stop()
        }
        XCTAssertEqual(keys[0], keys[1])
        XCTAssertNotEqual(keys[0], keys[2])
        // The default seed's key, fixed: a change here breaks every receiver configured with it.
        XCTAssertEqual(SigningKey(seed: 42).publicKeyBase64, "ZWQJ7l+TKCCZi/+Ql2KogvebHxlzMKqWwpEhXJnJrJw=")
        // The signature covers `timestamp|body`, nothing else.
        let key = SigningKey(seed: 42)
        let headers = Dictionary(uniqueKeysWithValues: key.headers(body: Array("{}".utf8), timestamp: 1_700_000_000))
        XCTAssertEqual(headers["telnyx-timestamp"], "1700000000")
        let receiver = WebhookReceiver(publicKeyBase64: key.publicKeyBase64)
        XCTAssertTrue(receiver.verify(timestamp: "1700000000", signature: headers["telnyx-signature-ed25519"], body: Array("{}".utf8)))
        XCTAssertFalse(receiver.verify(timestamp: "1700000001", signature: headers["telnyx-signature-ed25519"], body: Array("{}".utf8)))
        XCTAssertFalse(receiver.verify(timestamp: "1700000000", signature: headers["telnyx-signature-ed25519"], body: Array("{ }".utf8)))
        try await receiver.stop()
    }

    /// Dialled, answered, spoken to, gathers "1", hung up: exactly the documented events, all
    /// signed, client_state echoed in each; then commands on the ended call are refused.
    func testDialSpeakGatherHangup() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        let party = try await rig.admin("/__sandbox/parties", ["number": "+13125550100", "answer_after_ms": 20, "digits": "1"])
        XCTAssertEqual(party.status, 200)
        let hook = rig.url + "/hook"
        let dial = try await rig.sandbox.send(.POST, "/v2/calls", json: [
            "connection_id": "conn-1", "to": "+13125550100", "from": "+13125550199", "webhook_url": .string(hook),
            "client_state": "c3RhdGUx",
        ])
        XCTAssertEqual(dial.status, 200, String(decoding: dial.bytes, as: UTF8.self))
        let id = try XCTUnwrap(dial.json?["data"]?["call_control_id"]?.stringValue)
        XCTAssertEqual(dial.json?["data"]?["is_alive"], true)
        try await rig.receiver.wait("call.answered") { $0.contains { $0.eventType == "call.answered" } }

        func command(_ action: String, _ body: JSONValue) async throws -> Harness.Answer {
            try await rig.sandbox.send(.POST, "/v2/calls/\(id)/actions/\(action)", json: body)
        }
        let speak = try await command("speak", ["payload": "Welcome to Acme", "voice": "female", "command_id": "cmd-1"])
        XCTAssertEqual(speak.status, 200)
        XCTAssertEqual(speak.json?["data"]?["result"], "ok")
        // A repeated command_id is ignored: no second pair of speak events.
        _ = try await command("speak", ["payload": "Welcome to Acme", "voice": "female", "command_id": "cmd-1"])
        try await rig.receiver.wait("call.speak.ended") { $0.contains { $0.eventType == "call.speak.ended" } }
        _ = try await command("gather_using_speak", ["payload": "Press 1 for sales", "voice": "female", "maximum_digits": 1])
        let gathered = try await rig.receiver.wait("call.gather.ended") { $0.contains { $0.eventType == "call.gather.ended" } }
        XCTAssertEqual(gathered.first { $0.eventType == "call.gather.ended" }?.payload?["digits"], "1")
        XCTAssertEqual(gathered.first { $0.eventType == "call.gather.ended" }?.payload?["status"], "valid")
        _ = try await command("hangup", [:])
        let all = try await rig.receiver.wait("call.hangup") { $0.contains { $0.eventType == "call.hangup" } }

        let events = all.filter { $0.eventType != nil }
        XCTAssertEqual(events.map { $0.eventType ?? "" }, [
            "call.initiated", "call.answered", "call.speak.started", "call.speak.ended", "call.dtmf.received",
            "call.gather.ended", "call.hangup",
        ])
        for event in events {
            XCTAssertTrue(event.verified, "unsigned or badly signed \(event.eventType ?? "")")
            XCTAssertEqual(event.path, "/hook")
            XCTAssertEqual(event.payload?["client_state"], "c3RhdGUx")
            XCTAssertEqual(event.payload?["call_control_id"]?.stringValue, id)
            XCTAssertEqual(event.json?["data"]?["record_type"], "event")
            XCTAssertEqual(event.json?["meta"]?["attempt"], 1)
            XCTAssertEqual(event.json?["meta"]?["delivered_to"]?.stringValue, hook)
            let occurred = event.json?["data"]?["occurred_at"]?.stringValue ?? ""
            XCTAssertTrue(occurred.hasSuffix("Z") && occurred.count == 24, occurred)
        }
        XCTAssertEqual(events.last?.payload?["hangup_cause"], "normal_clearing")
        XCTAssertEqual(events.last?.payload?["hangup_source"], "caller")

        let late = try await command("speak", ["payload": "too late", "voice": "female"])
        XCTAssertEqual(late.status, 422)
        XCTAssertEqual(late.json?["errors"]?[0]?["code"], "90018")
        XCTAssertEqual(late.json?["errors"]?[0]?["title"], "Call has already ended")

        let transcript = try await rig.sandbox.send(.GET, "/__sandbox/calls/\(id)/transcript", token: nil)
        let entries = transcript.json?["data"]?["entries"]?.arrayValue ?? []
        XCTAssertEqual(entries.filter { $0["event"] == "speak" }.compactMap { $0["text"]?.stringValue },
                       ["Welcome to Acme", "Press 1 for sales"], "the caller heard the prompts once each")
        XCTAssertTrue(entries.contains { $0["event"] == "digits" && $0["digits"] == "1" })
        XCTAssertTrue(entries.contains { $0["event"] == "command_ignored" })
        XCTAssertEqual(transcript.json?["data"]?["state"], "ended")
        let listed = try await rig.sandbox.send(.GET, "/__sandbox/calls", token: nil)
        XCTAssertEqual(listed.json?["data"]?.arrayValue?.count, 1)
    }

    /// An inbound call to a number whose connection is a Call Control application created
    /// through the API: call.initiated (incoming) to its webhook_event_url, then answer works.
    func testInboundCallToCallControlApplication() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        let app = try await rig.sandbox.send(.POST, "/v2/call_control_applications", json: [
            "application_name": "ivr", "webhook_event_url": .string(rig.url + "/app"),
        ])
        XCTAssertEqual(app.status, 201 == app.status ? 201 : 200)
        let appID = try XCTUnwrap(app.json?["data"]?["id"]?.stringValue)
        let numberID = try XCTUnwrap(rig.sandbox.server.seededID(route: "/phone_numbers/{id}", parameter: "id", index: 3))
        let number = try await rig.sandbox.send(.PATCH, "/v2/phone_numbers/\(numberID)", json: ["connection_id": .string(appID)])
        XCTAssertEqual(number.status, 200)
        let to = try XCTUnwrap(number.json?["data"]?["phone_number"]?.stringValue)

        let started = try await rig.admin("/__sandbox/calls/inbound", ["from": "+13125550111", "to": .string(to), "digits": "42"])
        XCTAssertEqual(started.status, 200, String(decoding: started.bytes, as: UTF8.self))
        let id = try XCTUnwrap(started.json?["data"]?["call_control_id"]?.stringValue)
        let initiated = try await rig.receiver.wait("call.initiated") { $0.contains { $0.eventType == "call.initiated" } }
        XCTAssertEqual(initiated.first?.payload?["direction"], "incoming")
        XCTAssertEqual(initiated.first?.payload?["connection_id"]?.stringValue, appID)
        XCTAssertEqual(initiated.first?.path, "/app")
        _ = try await rig.sandbox.send(.POST, "/v2/calls/\(id)/actions/answer", json: ["client_state": "YQ=="])
        _ = try await rig.sandbox.send(.POST, "/v2/calls/\(id)/actions/gather", json: ["maximum_digits": 2])
        let events = try await rig.receiver.wait("call.gather.ended") { $0.contains { $0.eventType == "call.gather.ended" } }
        XCTAssertEqual(events.first { $0.eventType == "call.answered" }?.payload?["client_state"], "YQ==")
        XCTAssertEqual(events.first { $0.eventType == "call.gather.ended" }?.payload?["digits"], "42")
        XCTAssertTrue(events.allSatisfy(\.verified))
    }

    /// Bad input is refused with the right status and changes nothing.
    func testBadAdminInput() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        let malformed = try await rig.sandbox.send(.POST, "/__sandbox/parties", raw: "{not json", token: nil)
        XCTAssertEqual(malformed.status, 400)
        let noNumber = try await rig.admin("/__sandbox/parties", ["digits": "1"])
        XCTAssertEqual(noNumber.status, 422)
        let badDigits = try await rig.admin("/__sandbox/parties", ["number": "+1", "digits": "1x"])
        XCTAssertEqual(badDigits.status, 422)
        let badDelay = try await rig.admin("/__sandbox/parties", ["number": "+1", "hangup_after_ms": "soon"])
        XCTAssertEqual(badDelay.status, 422)
        let parties = try await rig.sandbox.send(.GET, "/__sandbox/parties", token: nil)
        XCTAssertEqual(parties.json?["data"]?.arrayValue?.count, 0)
        let unknown = try await rig.admin("/__sandbox/calls/inbound", ["from": "+1", "to": "+19999999999"])
        XCTAssertEqual(unknown.status, 404)
        let missing = try await rig.admin("/__sandbox/calls/inbound", ["from": "+1"])
        XCTAssertEqual(missing.status, 422)
        let noCall = try await rig.sandbox.send(.GET, "/__sandbox/calls/v3:nope/transcript", token: nil)
        XCTAssertEqual(noCall.status, 404)
        let badConfig = try await rig.sandbox.send(.POST, "/__sandbox/config", json: ["webhooks": ["max_attempts": 0]], token: nil)
        XCTAssertEqual(badConfig.status, 422)
        let noMessage = try await rig.admin("/__sandbox/messages/inbound", ["from": "+1", "to": "+19999999999", "text": "x"])
        XCTAssertEqual(noMessage.status, 404)
        // A command for a call the sandbox never made is answered from the schema, as before.
        let stranger = try await rig.sandbox.send(.POST, "/v2/calls/v3:stranger/actions/speak", json: ["payload": "x", "voice": "male"])
        XCTAssertEqual(stranger.status, 200)
    }

    /// A busy party: call.initiated then call.hangup with user_busy, and no answer event.
    func testBusyParty() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        _ = try await rig.admin("/__sandbox/parties", ["number": "+13125550177", "busy": true, "answer_after_ms": 10])
        _ = try await rig.sandbox.send(.POST, "/v2/calls", json: [
            "connection_id": "c", "to": "+13125550177", "from": "+13125550199", "webhook_url": .string(rig.url + "/busy"),
        ])
        let events = try await rig.receiver.wait("call.hangup") { $0.contains { $0.eventType == "call.hangup" } }
        XCTAssertEqual(events.compactMap(\.eventType), ["call.initiated", "call.hangup"])
        XCTAssertEqual(events.last?.payload?["hangup_cause"], "user_busy")
    }

    /// Playback, recording, bridge and the bridged call's hangup; transfer to a party.
    func testPlaybackRecordBridgeTransfer() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        _ = try await rig.admin("/__sandbox/parties", ["number": "+13125550201", "answer_after_ms": 10])
        _ = try await rig.admin("/__sandbox/parties", ["number": "+13125550202", "answer_after_ms": 10])
        _ = try await rig.admin("/__sandbox/parties", ["number": "+13125550203", "busy": true, "answer_after_ms": 10])
        var ids: [String] = []
        for (n, path) in [("+13125550201", "/a"), ("+13125550202", "/b")] {
            let dial = try await rig.sandbox.send(.POST, "/v2/calls", json: [
                "connection_id": "c", "to": .string(n), "from": "+13125550199", "webhook_url": .string(rig.url + path),
            ])
            ids.append(try XCTUnwrap(dial.json?["data"]?["call_control_id"]?.stringValue))
        }
        try await rig.receiver.wait("both answered") { $0.filter { $0.eventType == "call.answered" }.count == 2 }
        let (a, b) = (ids[0], ids[1])
        func command(_ id: String, _ action: String, _ body: JSONValue) async throws -> Int {
            try await rig.sandbox.send(.POST, "/v2/calls/\(id)/actions/\(action)", json: body).status
        }
        let status1 = try await command(a, "playback_start", ["audio_url": "http://127.0.0.1/hold.mp3"])
        XCTAssertEqual(status1, 200)
        try await rig.receiver.wait("playback ended") { $0.contains { $0.eventType == "call.playback.ended" } }
        let status2 = try await command(a, "record_start", ["format": "mp3", "channels": "single"])
        XCTAssertEqual(status2, 200)
        let status3 = try await command(a, "record_stop", [:])
        XCTAssertEqual(status3, 200)
        let status4 = try await command(a, "bridge", ["call_control_id": "v3:not-a-call"])
        XCTAssertEqual(status4, 422)
        let status5 = try await command(a, "bridge", ["call_control_id": .string(b)])
        XCTAssertEqual(status5, 200)
        let status6 = try await command(b, "transfer", ["to": "+13125550203"])
        XCTAssertEqual(status6, 200)
        try await rig.receiver.wait("bridged") { $0.filter { $0.eventType == "call.bridged" }.count == 2 }
        // The busy transfer target refuses after its 10 ms.
        try await Task.sleep(nanoseconds: 100_000_000)
        let status7 = try await command(a, "hangup", [:])
        XCTAssertEqual(status7, 200)
        let all = try await rig.receiver.wait("both hung up") { $0.filter { $0.eventType == "call.hangup" }.count == 2 }
        let onA = all.filter { $0.path == "/a" }.compactMap(\.eventType)
        XCTAssertEqual(onA, ["call.initiated", "call.answered", "call.playback.started", "call.playback.ended",
                             "call.recording.saved", "call.bridged", "call.hangup"])
        let onB = all.filter { $0.path == "/b" }.compactMap(\.eventType)
        XCTAssertEqual(onB, ["call.initiated", "call.answered", "call.bridged", "call.hangup"])
        XCTAssertTrue(all.allSatisfy(\.verified))
        XCTAssertNotNil(all.first { $0.eventType == "call.recording.saved" }?.payload?["recording_urls"]?["mp3"]?.stringValue)
        let transcript = try await rig.sandbox.send(.GET, "/__sandbox/calls/\(b)/transcript", token: nil)
        let entries = transcript.json?["data"]?["entries"]?.arrayValue ?? []
        XCTAssertTrue(entries.contains { $0["event"] == "transfer_failed" && $0["detail"] == "busy" })
    }

    /// The application's webhook_timeout_secs bounds each attempt; a receiver slower than it
    /// gets a timed-out attempt (error 2), and the application's failover URL gets the event.
    func testApplicationTimeoutAndFailover() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        try await rig.sandbox.configure(["webhooks": ["max_attempts": 1]])
        rig.receiver.respond("/slow", contentType: "text/plain", body: "late", delayMs: 2500)
        let app = try await rig.sandbox.send(.POST, "/v2/call_control_applications", json: [
            "application_name": "slow", "webhook_event_url": .string(rig.url + "/slow"),
            "webhook_event_failover_url": .string(rig.url + "/spare"), "webhook_timeout_secs": 1,
        ])
        let appID = try XCTUnwrap(app.json?["data"]?["id"]?.stringValue)
        let fetched = try await rig.sandbox.send(.GET, "/v2/call_control_applications/\(appID)")
        XCTAssertEqual(fetched.json?["data"]?["webhook_event_url"]?.stringValue, rig.url + "/slow")
        _ = try await rig.sandbox.send(.POST, "/v2/calls", json: [
            "connection_id": .string(appID), "to": "+13125550400", "from": "+13125550199",
        ])
        let seen = try await rig.receiver.wait("call.initiated on the failover") {
            $0.contains { $0.path == "/spare" && $0.eventType == "call.initiated" }
        }
        XCTAssertEqual(seen.first { $0.path == "/spare" }?.json?["meta"]?["attempt"], 2)
        let log = try await rig.sandbox.send(.GET, "/v2/webhook_deliveries?filter[event_type]=call.initiated")
        let attempts = log.json?["data"]?[0]?["attempts"]?.arrayValue ?? []
        XCTAssertEqual(attempts.map { $0["errors"] }, [[2], []])
        XCTAssertEqual(log.json?["data"]?[0]?["status"], "delivered")
    }
}
