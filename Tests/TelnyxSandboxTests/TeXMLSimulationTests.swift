import NIOCore
import Telnyx
import XCTest

@testable import TelnyxSandbox

final class TeXMLSimulationTests: XCTestCase {
    /// The transcript entries of call `id`.
    func transcript(_ rig: SimulationRig, _ id: String) async throws -> [JSONValue] {
        let answer = try await rig.sandbox.send(.GET, "/__sandbox/calls/\(id)/transcript", token: nil)
        return answer.json?["data"]?["entries"]?.arrayValue ?? []
    }

    /// Say, Gather (digits posted to the action), Redirect, Say, Hangup; status callbacks
    /// initiated, ringing, answered, completed (with CallDuration); everything signed.
    func testSayGatherRedirectHangup() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        _ = try await rig.admin("/__sandbox/parties", ["number": "+13125550100", "answer_after_ms": 20, "digits": "1"])
        rig.receiver.respond("/voice", body: """
            <?xml version="1.0" encoding="UTF-8"?>
            <Response>
              <Say voice="alice">Welcome to Acme</Say>
              <!-- one digit -->
              <Gather action="/gathered" numDigits="1"><Say>Press 1 for sales</Say></Gather>
              <Say>We did not get that</Say>
            </Response>
            """)
        rig.receiver.respond("/gathered", body: "<Response><Redirect method=\"POST\">/final</Redirect></Response>")
        rig.receiver.respond("/final", body: "<Response><Say>Connecting you to sales &amp; support</Say><Hangup/></Response>")
        let created = try await rig.sandbox.send(.POST, "/v2/texml/Accounts/AC123/Calls", json: [
            "ApplicationSid": "app-1", "To": "+13125550100", "From": "+13125550199",
            "Url": .string(rig.url + "/voice"), "StatusCallback": .string(rig.url + "/status"),
        ])
        XCTAssertEqual(created.status, 200, String(decoding: created.bytes, as: UTF8.self))
        let sid = try XCTUnwrap(created.json?["call_sid"]?.stringValue)
        let all = try await rig.receiver.wait("completed status callback") {
            $0.contains { $0.path == "/status" && $0.form["StatusCallbackEvent"] == "completed" }
        }
        XCTAssertTrue(all.allSatisfy(\.verified), "every fetch and callback is signed")
        XCTAssertEqual(all.filter { $0.path != "/status" }.map(\.path), ["/voice", "/gathered", "/final"])
        let voice = try XCTUnwrap(all.first { $0.path == "/voice" }).form
        XCTAssertEqual(voice["CallSid"], sid)
        XCTAssertEqual(voice["AccountSid"], "AC123")
        XCTAssertEqual(voice["From"], "+13125550199")
        XCTAssertEqual(voice["To"], "+13125550100")
        XCTAssertEqual(voice["CallStatus"], "in-progress")
        XCTAssertEqual(voice["Direction"], "outbound-api")
        XCTAssertEqual(voice["ApiVersion"], "2010-04-01")
        XCTAssertEqual(all.first { $0.path == "/gathered" }?.form["Digits"], "1")
        let statuses = all.filter { $0.path == "/status" }
        XCTAssertEqual(statuses.compactMap { $0.form["StatusCallbackEvent"] }, ["initiated", "ringing", "answered", "completed"])
        XCTAssertEqual(statuses.last?.form["CallStatus"], "completed")
        XCTAssertNotNil(statuses.last?.form["CallDuration"].flatMap { Int($0) })

        let entries = try await transcript(rig, sid)
        let heard = entries.filter { $0["verb"] == "Say" }.compactMap { $0["text"]?.stringValue }
        XCTAssertEqual(heard, ["Welcome to Acme", "Press 1 for sales", "Connecting you to sales & support"])
        XCTAssertTrue(entries.contains { $0["event"] == "digits" && $0["digits"] == "1" })
    }

    /// An inbound call to a number of a TeXML application: voice_url fetched with Direction
    /// inbound; Record's callbacks; Dial follows the dialled party and posts DialCallStatus.
    func testInboundRecordAndDial() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        _ = try await rig.admin("/__sandbox/parties", ["number": "+13125550155", "answer_after_ms": 10, "hangup_after_ms": 100])
        let app = try await rig.sandbox.send(.POST, "/v2/texml_applications", json: [
            "friendly_name": "front desk", "voice_url": .string(rig.url + "/inbound"), "status_callback": .string(rig.url + "/st"),
        ])
        XCTAssertEqual(app.status / 100, 2, String(decoding: app.bytes, as: UTF8.self))
        let appID = try XCTUnwrap(app.json?["data"]?["id"]?.stringValue)
        let numberID = try XCTUnwrap(rig.sandbox.server.seededID(route: "/phone_numbers/{id}", parameter: "id", index: 7))
        let number = try await rig.sandbox.send(.PATCH, "/v2/phone_numbers/\(numberID)", json: ["connection_id": .string(appID)])
        let to = try XCTUnwrap(number.json?["data"]?["phone_number"]?.stringValue)
        rig.receiver.respond("/inbound", body: """
            <Response><Say>Leave a message</Say><Record action="/recorded" maxLength="5" recordingStatusCallback="/recstatus"/></Response>
            """)
        rig.receiver.respond("/recorded", body: "<Response><Dial action=\"/dialed\" timeout=\"5\"><Number>+13125550155</Number></Dial></Response>")
        rig.receiver.respond("/dialed", body: "<Response><Hangup/></Response>")
        let started = try await rig.admin("/__sandbox/calls/inbound", ["from": "+13125550122", "to": .string(to)])
        XCTAssertEqual(started.status, 200, String(decoding: started.bytes, as: UTF8.self))
        let sid = try XCTUnwrap(started.json?["data"]?["call_sid"]?.stringValue)
        let all = try await rig.receiver.wait("completed") { $0.contains { $0.path == "/st" && $0.form["StatusCallbackEvent"] == "completed" } }
        XCTAssertTrue(all.allSatisfy(\.verified))
        XCTAssertEqual(all.first { $0.path == "/inbound" }?.form["Direction"], "inbound")
        XCTAssertEqual(all.first { $0.path == "/inbound" }?.form["From"], "+13125550122")
        XCTAssertNotNil(all.first { $0.path == "/recorded" }?.form["RecordingUrl"])
        XCTAssertEqual(all.first { $0.path == "/recstatus" }?.form["RecordingStatus"], "completed")
        XCTAssertEqual(all.first { $0.path == "/dialed" }?.form["DialCallStatus"], "completed")
        let entries = try await transcript(rig, sid)
        XCTAssertTrue(entries.contains { $0["event"] == "dial_answered" && $0["to"] == "+13125550155" })
        XCTAssertTrue(entries.contains { $0["verb"] == "Say" && $0["text"] == "Leave a message" })
    }

    /// A document that does not parse ends the call and the transcript says why; so does a
    /// fetch that fails (after the fallback URL is tried).
    func testUnparsableDocumentAndFailedFetch() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        rig.receiver.respond("/bad", body: "<Response><Say>oops</Response>")
        let bad = try await rig.sandbox.send(.POST, "/v2/texml/Accounts/AC1/Calls", json: [
            "ApplicationSid": "a", "To": "+13125550100", "From": "+13125550199", "Url": .string(rig.url + "/bad"),
            "StatusCallback": .string(rig.url + "/s1"),
        ])
        let badSid = try XCTUnwrap(bad.json?["call_sid"]?.stringValue)
        try await rig.receiver.wait("completed") { $0.contains { $0.path == "/s1" && $0.form["StatusCallbackEvent"] == "completed" } }
        let badEntries = try await transcript(rig, badSid)
        XCTAssertTrue(badEntries.contains { ($0["detail"]?.stringValue ?? "").contains("TeXML did not parse") }, "\(badEntries)")
        XCTAssertFalse(badEntries.contains { $0["verb"] == "Say" }, "nothing of a broken document is played")

        rig.receiver.respond("/missing", status: 404, contentType: "text/plain", body: "no")
        rig.receiver.respond("/fallback", status: 500, contentType: "text/plain", body: "no")
        let failed = try await rig.sandbox.send(.POST, "/v2/texml/Accounts/AC1/Calls", json: [
            "ApplicationSid": "a", "To": "+13125550100", "From": "+13125550199", "Url": .string(rig.url + "/missing"),
            "FallbackUrl": .string(rig.url + "/fallback"), "StatusCallback": .string(rig.url + "/s2"),
        ])
        let failedSid = try XCTUnwrap(failed.json?["call_sid"]?.stringValue)
        let seen = try await rig.receiver.wait("completed") { $0.contains { $0.path == "/s2" && $0.form["StatusCallbackEvent"] == "completed" } }
        XCTAssertTrue(seen.contains { $0.path == "/fallback" }, "the fallback URL is tried")
        let entries = try await transcript(rig, failedSid)
        XCTAssertTrue(entries.contains { ($0["detail"]?.stringValue ?? "").contains("fetch failed: HTTP 404") }, "\(entries)")
        XCTAssertTrue(entries.contains { $0["event"] == "state" && $0["state"] == "ended" })
    }

    /// The parser: entities, CDATA, comments, attributes in both quotes; refuses DTDs,
    /// mismatched tags and runaway nesting.
    func testMiniXML() throws {
        let root = try MiniXML.parse(Array("<?xml version='1.0'?><Response a='1' b=\"&lt;2&gt;\"><Say><![CDATA[x & y]]> &#65;</Say><Hangup/></Response>".utf8))
        XCTAssertEqual(root.name, "Response")
        XCTAssertEqual(root.attributes, ["a": "1", "b": "<2>"])
        XCTAssertEqual(root.children.map(\.name), ["Say", "Hangup"])
        XCTAssertEqual(root.children[0].text, "x & y A")
        for bad in ["<Response><Say>oops</Response>", "<!DOCTYPE x><Response/>", "<Response>", "", "<a b=1/>",
                    String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100), "<Response/><Extra/>"] {
            XCTAssertThrowsError(try MiniXML.parse(Array(bad.utf8)), bad)
        }
    }

    /// Reject as the first verb: never answered; completed callback with CallStatus busy.
    /// Play and Pause are followed in order before it on another call.
    func testRejectAndPlayPause() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        rig.receiver.respond("/reject", body: "<Response><Reject reason=\"busy\"/><Say>never</Say></Response>")
        rig.receiver.respond("/play", body: "<Response><Play>http://127.0.0.1/tone.mp3</Play><Pause length=\"1\"/><Say>after</Say></Response>")
        let rejected = try await rig.sandbox.send(.POST, "/v2/texml/Accounts/AC1/Calls", json: [
            "ApplicationSid": "a", "To": "+13125550100", "From": "+13125550199", "Url": .string(rig.url + "/reject"),
            "StatusCallback": .string(rig.url + "/r"), "StatusCallbackEvent": "answered completed",
        ])
        XCTAssertNotNil(rejected.json?["call_sid"]?.stringValue)
        let started = Date()
        let played = try await rig.sandbox.send(.POST, "/v2/texml/Accounts/AC1/Calls", json: [
            "ApplicationSid": "a", "To": "+13125550100", "From": "+13125550199", "Url": .string(rig.url + "/play"),
            "StatusCallback": .string(rig.url + "/p"),
        ])
        let playedSid = try XCTUnwrap(played.json?["call_sid"]?.stringValue)
        let all = try await rig.receiver.wait("both completed") { r in
            ["/r", "/p"].allSatisfy { path in r.contains { $0.path == path && $0.form["StatusCallbackEvent"] == "completed" } }
        }
        // Answered (the party picks up) and then rejected by the document: only the asked-for events.
        let onR = all.filter { $0.path == "/r" }
        XCTAssertEqual(onR.compactMap { $0.form["StatusCallbackEvent"] }, ["answered", "completed"])
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 1.0, "Pause length=1 waits a second")
        let entries = try await transcript(rig, playedSid)
        let verbs = entries.compactMap { $0["verb"]?.stringValue }
        XCTAssertEqual(verbs, ["Play", "Pause", "Say"])
    }

    /// An inbound call whose first verb is Reject is never answered: CallStatus busy.
    func testInboundRejectIsNotAnswered() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        let app = try await rig.sandbox.send(.POST, "/v2/texml_applications", json: [
            "friendly_name": "blocker", "voice_url": .string(rig.url + "/block"), "status_callback": .string(rig.url + "/bs"),
        ])
        let appID = try XCTUnwrap(app.json?["data"]?["id"]?.stringValue)
        let numberID = try XCTUnwrap(rig.sandbox.server.seededID(route: "/phone_numbers/{id}", parameter: "id", index: 9))
        let number = try await rig.sandbox.send(.PATCH, "/v2/phone_numbers/\(numberID)", json: ["connection_id": .string(appID)])
        let to = try XCTUnwrap(number.json?["data"]?["phone_number"]?.stringValue)
        rig.receiver.respond("/block", body: "<Response><Reject reason=\"busy\"/></Response>")
        _ = try await rig.admin("/__sandbox/calls/inbound", ["from": "+13125550122", "to": .string(to)])
        let all = try await rig.receiver.wait("completed") { $0.contains { $0.path == "/bs" && $0.form["StatusCallbackEvent"] == "completed" } }
        let events = all.filter { $0.path == "/bs" }.compactMap { $0.form["StatusCallbackEvent"] }
        XCTAssertEqual(events, ["initiated", "ringing", "completed"])
        XCTAssertEqual(all.last { $0.path == "/bs" }?.form["CallStatus"], "busy")
        XCTAssertEqual(all.last { $0.path == "/bs" }?.form["CallDuration"], "0")
    }
}

/// Found by a red-team session: a Redirect loop, and a webhook aimed at the sandbox's own admin API.
final class SimulationAbuseTests: XCTestCase {
    func testARedirectLoopEndsTheCallAfterAHundredDocuments() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        _ = try await rig.admin("/__sandbox/parties", ["number": "+13125550100", "answer_after_ms": 10])
        rig.receiver.respond("/loop", body: "<Response><Redirect method=\"POST\">/loop</Redirect></Response>")
        let created = try await rig.sandbox.send(.POST, "/v2/texml/Accounts/AC1/Calls", json: [
            "ApplicationSid": "app-1", "To": "+13125550100", "From": "+13125550199", "Url": .string(rig.url + "/loop"),
        ])
        let sid = try XCTUnwrap(created.json?["call_sid"]?.stringValue)
        var entries: [JSONValue] = []
        for _ in 0..<100 {
            let answer = try await rig.sandbox.send(.GET, "/__sandbox/calls/\(sid)/transcript", token: nil)
            if answer.json?["data"]?["state"]?.stringValue == "ended" {
                entries = answer.json?["data"]?["entries"]?.arrayValue ?? []
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertEqual(entries.filter { $0["event"] == "fetch" }.count, TeXMLInterpreter.maxFetches)
        XCTAssertTrue(entries.contains { $0["detail"]?.stringValue?.contains("more than 100 documents") == true })
    }

    func testAWebhookToASandboxAdminPathIsRefused() async throws {
        let rig = try await SimulationRig.start()
        defer { Task { try? await rig.stop() } }
        _ = try await rig.sandbox.send(.POST, "/v2/calls", json: [
            "connection_id": "c", "to": "+13125550100", "from": "+13125550199",
            "webhook_url": .string(rig.sandbox.base + "/__sandbox/reset?state=true"),
        ])
        try await Task.sleep(for: .milliseconds(500))
        let deliveries = try await rig.sandbox.send(.GET, "/v2/webhook_deliveries", token: "t")
        let attempts = deliveries.json?["data"]?.arrayValue?.flatMap { $0["attempts"]?.arrayValue ?? [] } ?? []
        XCTAssertFalse(attempts.isEmpty)
        XCTAssertTrue(attempts.allSatisfy { ($0["errors"]?.arrayValue ?? []).contains(3) }, "\(attempts)")
        let log = try await rig.sandbox.send(.GET, "/__sandbox/requests", token: nil)
        XCTAssertGreaterThan(log.json?["counters"]?["total"]?.intValue ?? 0, 0, "the sandbox was reset through its own webhook")
    }
}
