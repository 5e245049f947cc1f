import Crypto
import Foundation
import Testing
import TelnyxEvents

/// The parts of `telnyx-lua serve` below the HTTP layer: the verifier's edges, the inbox's bounds,
/// its memory of event ids, and route matching.
@Suite struct EventInboxTests {
    @Test func theVerifierHoldsAtTheEdgesOfItsTolerance() throws {
        let key = Curve25519.Signing.PrivateKey()
        let verifier = try SignatureVerifier(publicKey: Array(key.publicKey.rawRepresentation), tolerance: 300)
        let body = Array(#"{"data":{}}"#.utf8)
        func headers(_ timestamp: String, signing: [UInt8]? = nil) throws -> (String) -> String? {
            let signature = try key.signature(for: Array((timestamp + "|").utf8) + (signing ?? body)).base64EncodedString()
            return { name in
                name == SignatureVerifier.signatureHeader ? signature : name == SignatureVerifier.timestampHeader ? timestamp : nil
            }
        }
        let now = 1_800_000_000.0
        #expect(verifier.verify(body: body, header: try headers("1800000000"), now: now) == nil)
        #expect(verifier.verify(body: body, header: try headers("1799999700"), now: now) == nil)
        #expect(verifier.verify(body: body, header: try headers("1799999699"), now: now)?.code == "stale_timestamp")
        #expect(verifier.verify(body: body, header: try headers("1800000301"), now: now)?.code == "stale_timestamp")
        #expect(verifier.verify(body: body, header: try headers("-1"), now: now)?.code == "bad_timestamp")
        #expect(verifier.verify(body: body, header: try headers("99999999999999999999"), now: now)?.code == "bad_timestamp")
        #expect(verifier.verify(body: body + [32], header: try headers("1800000000"), now: now)?.code == "bad_signature")
        #expect(verifier.verify(body: body, header: { _ in nil }, now: now)?.code == "missing_signature")
        // The signature without its padding is still the signature (some senders strip it).
        let unpadded = try headers("1800000000")
        let stripped = { (name: String) in name == SignatureVerifier.signatureHeader ? unpadded(name)!.replacingOccurrences(of: "=", with: "") : unpadded(name) }
        #expect(verifier.verify(body: body, header: stripped, now: now) == nil)
        #expect(throws: (any Error).self) { try SignatureVerifier(publicKey: [1, 2, 3]) }
        if case .success = SignatureVerifier.decodePublicKey("c2hvcnQ=") { Issue.record("a 5-byte key was accepted") }
    }

    @Test func theInboxRefusesBeyondItsCountAndBytesAndHandsOutInOrder() throws {
        let inbox = EventInbox(settings: EventServerSettings(maxQueued: 3, maxQueuedBytes: 10))
        func offer(_ body: String) throws(EventInbox.Refusal) {
            try inbox.offer(kind: .delivery, method: "POST", path: "/", query: "", headers: [], body: Array(body.utf8))
        }
        try offer("aaaa")
        try offer("bbbb")
        #expect(throws: EventInbox.Refusal.full) { try offer("ccc") }   // 11 bytes
        try offer("cc")
        #expect(throws: EventInbox.Refusal.full) { try offer("") }      // 4 items
        #expect(inbox.take(limit: 2).map { String(decoding: $0.body, as: UTF8.self) } == ["aaaa", "bbbb"])
        try offer("dddd")
        #expect(inbox.take().map { String(decoding: $0.body, as: UTF8.self) } == ["cc", "dddd"])
        // Route requests (a caller waits on each) pass a full delivery queue and come out first.
        try offer("e1")
        try offer("e2")
        try offer("e3")
        #expect(throws: EventInbox.Refusal.full) { try offer("e4") }
        try inbox.offer(kind: .route, method: "POST", path: "/texml", query: "", headers: [], body: Array("r".utf8)) { _ in }
        #expect(inbox.take(limit: 2).map { String(decoding: $0.body, as: UTF8.self) } == ["r", "e1"])
        #expect(inbox.queuedCount == 2)
        inbox.stop()
        #expect(throws: EventInbox.Refusal.stopping) { try offer("e") }
    }

    @Test func redeliveriesAreRecognizedAndTheOldestIdsForgotten() {
        let inbox = EventInbox(settings: EventServerSettings(rememberedEventIDs: 3))
        #expect(!inbox.isRedelivery(of: "a"))
        #expect(inbox.isRedelivery(of: "a"))
        for id in ["b", "c", "d"] { #expect(!inbox.isRedelivery(of: id)) }
        #expect(!inbox.isRedelivery(of: "a"), "a should have been forgotten after 3 newer ids")
        #expect(inbox.isRedelivery(of: "d"))
    }

    @Test func routesMatchExactlyOrByPrefixAndRouteRequestsAreAnsweredOnce() throws {
        let inbox = EventInbox()
        inbox.addRoute("/texml/*", verify: true)
        inbox.addRoute("/texml/open", verify: false)
        #expect(inbox.route(for: "/texml/open")?.verify == false)
        #expect(inbox.route(for: "/texml/ivr")?.pattern == "/texml/*")
        #expect(inbox.route(for: "/texmlx") == nil)
        let answers = Locked<[Int]>([])
        try inbox.offer(kind: .route, method: "POST", path: "/texml/ivr", query: "", headers: [], body: []) { response in
            answers.update { $0.append(response.status) }
        }
        let token = try #require(inbox.take().first?.token)
        #expect(inbox.respond(token: token, EventInbox.Response(status: 200)))
        #expect(!inbox.respond(token: token, EventInbox.Response(status: 500)))
        try inbox.offer(kind: .route, method: "GET", path: "/texml/x", query: "", headers: [], body: []) { response in
            answers.update { $0.append(response.status) }
        }
        inbox.abandonOpenRoutes()
        #expect(answers.get() == [200, 503])
    }
}

/// A value shared with the inbox's callbacks.
private final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&value) } }
}
