import HTTP1Client
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Telnyx

/// Sends everything the sandbox says to the outside world, signed (`SigningKey`): webhook
/// events with retries, failover and the delivery faults, recorded in `DeliveryLog`; and the
/// single requests of TeXML (document fetches, status callbacks), which are not retried.
final class WebhookSender: Sendable {
    /// What came back from one request.
    struct Exchange: Sendable {
        var status: Int?
        var body: [UInt8] = []
        var headers: [(String, String)] = []
        var errors: [Int] = []
        var contentType: String { headers.first { $0.0.lowercased() == "content-type" }?.1 ?? "" }
        var ok: Bool { status.map { (200..<300).contains($0) } ?? false }
        /// A short description for transcripts: the status, or why there was none.
        var summary: String {
            if let status { return "HTTP \(status)" }
            switch errors.first.flatMap(DeliveryError.init(rawValue:)) {
            case .timedOut: return "timed out"
            case .refused: return "refused: only loopback URLs are called (webhooks.allow_remote)"
            default: return "connection failed"
            }
        }
    }

    let client: HTTP1Client
    let key: SigningKey
    let log: DeliveryLog
    let ids: SimulationIDs
    let loop: EventLoop
    private let state: NIOLockedValueBox<(settings: WebhookSettings, rng: SplitMix)>

    init(client: HTTP1Client, key: SigningKey, log: DeliveryLog, ids: SimulationIDs, loop: EventLoop,
         settings: WebhookSettings, seed: UInt64) {
        self.client = client
        self.key = key
        self.log = log
        self.ids = ids
        self.loop = loop
        state = NIOLockedValueBox((settings, SplitMix(seed ^ 0xDE11_7E55)))
    }

    var settings: WebhookSettings { state.withLockedValue { $0.settings } }

    /// Applies `webhooks` of `POST /__sandbox/config`; a problem to report, or nil.
    func apply(_ json: JSONValue) -> String? { state.withLockedValue { $0.settings.apply(json) } }

    private func roll(_ rate: Double) -> Bool {
        rate > 0 && state.withLockedValue { Double($0.rng.next() >> 11) / Double(1 << 53) } < rate
    }

    /// Whether the sandbox calls `url`: http(s), and on loopback unless `allowRemote`.
    func permitted(_ url: String) -> Bool {
        guard let parsed = try? HTTP1URL(url) else { return false }
        // Never a sandbox's admin API (its own included): a webhook_url must not reset or
        // reconfigure the simulator on behalf of whoever could set the URL.
        let path = parsed.target.prefix { $0 != "?" }
        if percentDecode(path).contains(text: "__sandbox") { return false }
        if settings.allowRemote { return true }
        let host = parsed.host.lowercased()
        return host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }

    /// The most of an answer read (a TeXML document, a webhook's reply): 4 MiB.
    static let maxAnswerBytes = 4 << 20

    /// One signed request. `done` runs on the event loop, whatever happens.
    func send(url: String, method: HTTPMethod, body: [UInt8], contentType: String?, timeoutSeconds: Int,
              done: @escaping @Sendable (Exchange, [(String, String)]) -> Void) {
        let loop = self.loop
        var headers = key.headers(body: body, timestamp: SimulationClock.nowSeconds())
        if let contentType { headers.append(("content-type", contentType)) }
        headers.append(("user-agent", "telnyx-sandbox"))
        let sentHeaders = headers
        guard permitted(url) else {
            loop.execute { done(Exchange(errors: [DeliveryError.refused.rawValue]), sentHeaders) }
            return
        }
        let request = HTTP1Request(method: method.rawValue, url: url, headers: headers, body: body.isEmpty ? nil : body)
        let sink = CollectingSink(limit: Self.maxAnswerBytes)
        let deadline = NIODeadline.now() + .seconds(Int64(min(max(timeoutSeconds, 1), 120)))
        client.execute(request, sink: sink, deadline: deadline, on: loop) { result in
            loop.execute {
                switch result {
                case .success:
                    let response = sink.response
                    done(Exchange(status: response.status, body: response.body, headers: response.headers), sentHeaders)
                case .failure(let error):
                    let code = error == .deadlineExceeded || error == .connectTimeout
                        ? DeliveryError.timedOut : DeliveryError.connectionFailed
                    done(Exchange(errors: [code.rawValue]), sentHeaders)
                }
            }
        }
    }

    /// Delivers `event` through `queue` (so a call's events go out in order), with the delivery
    /// faults: delayed, duplicated, or reordered (sent outside the queue, late). `done` gets
    /// whether the primary or failover URL took it.
    func deliver(_ event: WebhookEvent, to destination: WebhookDestination, queue: SerialQueue,
                 done: @escaping @Sendable (Bool) -> Void = { _ in }) {
        let urls = [destination.url, destination.failoverURL].compactMap { $0 }.filter { !$0.isEmpty }
        guard !urls.isEmpty else {
            loop.execute { done(false) }
            return
        }
        let settings = self.settings
        if roll(settings.reorderRate) {
            loop.scheduleTask(in: .milliseconds(Int64(settings.reorderDelayMs + settings.delayMs))) {
                self.deliverNow(event, urls: urls, timeout: destination.timeoutSeconds, done: done)
            }
            return
        }
        queue.enqueue { next in
            let start: @Sendable () -> Void = {
                self.deliverNow(event, urls: urls, timeout: destination.timeoutSeconds) { ok in
                    next()
                    done(ok)
                }
            }
            if settings.delayMs > 0 {
                self.loop.scheduleTask(in: .milliseconds(Int64(settings.delayMs))) { start() }
            } else {
                start()
            }
        }
    }

    /// One delivery (a record in the log): attempts on the primary URL, then the failover. A
    /// duplicate (`duplicateRate`) is itself never duplicated.
    private func deliverNow(_ event: WebhookEvent, urls: [String], timeout: Int, duplicate: Bool = false,
                            done: @escaping @Sendable (Bool) -> Void) {
        let id = ids.uuid()
        log.begin(id: id, event: event)
        attempt(id, event, urls: urls, urlIndex: 0, onURL: 1, number: 1, timeout: timeout) { ok in
            self.log.finish(id, delivered: ok)
            if ok, !duplicate, self.roll(self.settings.duplicateRate) {
                self.deliverNow(event, urls: urls, timeout: timeout, duplicate: true) { _ in }
            }
            done(ok)
        }
    }

    private func attempt(_ id: String, _ event: WebhookEvent, urls: [String], urlIndex: Int, onURL: Int, number: Int,
                         timeout: Int, done: @escaping @Sendable (Bool) -> Void) {
        let url = urls[urlIndex]
        let body = event.body(attempt: number, deliveredTo: url)
        let started = SimulationClock.nowISO()
        send(url: url, method: .POST, body: body, contentType: "application/json", timeoutSeconds: timeout) { exchange, headers in
            self.log.record(id, attempt: DeliveryAttempt(
                url: url, requestHeaders: headers, startedAt: started, finishedAt: SimulationClock.nowISO(),
                status: exchange.status, responseBody: String(decoding: exchange.body.prefix(1024), as: UTF8.self),
                responseHeaders: exchange.headers, errors: exchange.errors))
            if exchange.ok { return done(true) }
            let settings = self.settings
            let refused = exchange.errors.contains(DeliveryError.refused.rawValue)
            if onURL < settings.maxAttempts && !refused {
                let delay = Int64(settings.retryDelayMs) << Int64(min(onURL - 1, 16))
                self.loop.scheduleTask(in: .milliseconds(min(delay, Int64(Faults.maxDelayMs)))) {
                    self.attempt(id, event, urls: urls, urlIndex: urlIndex, onURL: onURL + 1, number: number + 1,
                                 timeout: timeout, done: done)
                }
            } else if urlIndex + 1 < urls.count {
                self.attempt(id, event, urls: urls, urlIndex: urlIndex + 1, onURL: 1, number: number + 1,
                             timeout: timeout, done: done)
            } else {
                done(false)
            }
        }
    }
}
