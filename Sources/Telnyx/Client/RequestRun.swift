import Logging
import NIOConcurrencyHelpers
import NIOCore

/// A request started with `TelnyxClient.start`: cancel it from any thread, any number of times.
/// Cancelling aborts the exchange in flight or the pause before a retry, and the completion
/// then reports `.cancelled` (unless the request had already finished).
public final class RequestHandle: Sendable {
    private struct State {
        var cancelled = false
        var finished = false
        /// What cancels the current step: the HTTP exchange, the retry pause, the token fetch.
        var cancelStep: (@Sendable () -> Void)?
    }

    private let state = NIOLockedValueBox(State())

    init() {}

    /// Cancels the request; does nothing once it has finished.
    public func cancel() {
        let step = state.withLockedValue { state -> (@Sendable () -> Void)? in
            guard !state.cancelled, !state.finished else { return nil }
            state.cancelled = true
            return state.cancelStep
        }
        step?()
    }

    var isCancelled: Bool { state.withLockedValue { $0.cancelled } }

    /// Records what cancels the step now running; runs it at once if `cancel` came first.
    func setStep(_ cancelStep: @escaping @Sendable () -> Void) {
        let cancelledAlready = state.withLockedValue { state -> Bool in
            if state.cancelled { return true }
            state.cancelStep = cancelStep
            return false
        }
        if cancelledAlready { cancelStep() }
    }

    /// Marks the request finished; false when it already was, so the completion runs once.
    func markFinished() -> Bool {
        state.withLockedValue { state in
            defer { state.finished = true; state.cancelStep = nil }
            return !state.finished
        }
    }
}

/// The attempts of one request: authenticate, send, and retry as the SDKs do (connection
/// errors, timeouts, 408/409/429/5xx; `Retry-After` honoured), all as callbacks on the event
/// loops, so a request that succeeds at once runs no Swift task at all.
///
/// Steps follow one another (an attempt starts only after the previous one ended), so the
/// mutable state is never touched by two threads at once; `RequestHandle` is the only part
/// shared with other threads.
final class RequestRun: @unchecked Sendable {
    /// What every attempt sends, prepared once by `TelnyxClient.prepare` (in `begin`).
    struct Prepared {
        var method: String
        var url: String
        var headers: [(String, String)]
        var body: [UInt8]?
        var baseURL: String
        var apiKey: String?
        var timeout: Double
        var maxRetries: Int
    }

    let handle = RequestHandle()
    /// The event loop every step runs on; its idle connections are preferred.
    let loop: any EventLoop
    private let request: APIRequest
    private let overrides: RequestOptions?
    private let client: TelnyxClient
    private let options: ClientOptions
    private let transport: HTTPTransport
    private let oauth: OAuthTokenProvider?
    private let completion: @Sendable (Result<APIResponse, TelnyxError>) -> Void
    /// Set by `begin`, on the loop.
    private var prepared: Prepared!
    private var attempt = 0

    init(
        _ request: APIRequest, overrides: RequestOptions?, on loop: any EventLoop, client: TelnyxClient,
        transport: HTTPTransport, oauth: OAuthTokenProvider?,
        completion: @escaping @Sendable (Result<APIResponse, TelnyxError>) -> Void
    ) {
        self.request = request
        self.overrides = overrides
        self.loop = loop
        self.client = client
        self.options = client.options
        self.transport = transport
        self.oauth = oauth
        self.completion = completion
    }

    /// Encodes the request (a request that cannot be sent fails here, before any byte), then
    /// makes the first attempt.
    func begin() {
        do throws(TelnyxError) {
            prepared = try client.prepare(request, overrides: overrides)
        } catch {
            return finish(.failure(error))
        }
        next()
    }

    /// The next attempt: credentials, then the exchange.
    func next() {
        attempt += 1
        if handle.isCancelled { return finish(.failure(Self.cancelled)) }
        let headers = prepared.headers
        if TelnyxClient.hasHeader("authorization", in: headers) {
            return send(headers, token: nil)
        }
        if let apiKey = prepared.apiKey {
            return send(TelnyxClient.merge(headers, [("Authorization", "Bearer \(apiKey)")]), token: nil)
        }
        guard let oauth else { return send(headers, token: nil) }
        // The token provider is an actor: the one step that needs a Swift task.
        let baseURL = prepared.baseURL
        let fetch = Task {
            do throws(TelnyxError) {
                let token = try await oauth.accessToken(baseURL: baseURL)
                self.send(TelnyxClient.merge(headers, [("Authorization", "Bearer \(token)")]), token: token)
            } catch {
                self.finish(.failure(error))
            }
        }
        handle.setStep {
            fetch.cancel()
            self.finish(.failure(Self.cancelled))
        }
    }

    private func send(_ headers: [(String, String)], token: String?) {
        if handle.isCancelled { return finish(.failure(Self.cancelled)) }
        let logger = options.logger
        // Only a log line shows the URL: unlogged, a call makes no redactor at all.
        let shownURL = logger.logLevel <= .info ? redactor(token).redact(prepared.url) : ""
        let method = prepared.method
        if logger.logLevel <= .debug {
            logger.debug("request \(method) \(shownURL) attempt \(attempt)", metadata: [
                "headers": .string(TelnyxClient.show(headers, redactor(token))),
                "body": .string(TelnyxLogging.describeBody(prepared.body ?? [], redactor: redactor(token))),
            ])
        }
        let started = ContinuousClock.now
        let exchange = transport.start(
            method: method, url: prepared.url, headers: headers, body: prepared.body, timeout: prepared.timeout, on: loop
        ) { outcome in
            let elapsed = TelnyxClient.milliseconds(ContinuousClock.now - started)
            self.received(outcome, token: token, shownURL: shownURL, elapsed: elapsed)
        }
        if let exchange { handle.setStep { exchange.cancel() } }
    }

    private func received(
        _ outcome: Result<APIResponse, TelnyxError>, token: String?, shownURL: String, elapsed: Int64
    ) {
        let logger = options.logger
        let method = prepared.method
        let retriesLeft = attempt <= prepared.maxRetries
        switch outcome {
        case .failure(var error):
            error.message = redactor(token).redact(error.message)
            logger.info("\(method) \(shownURL) failed: \(error.kind.className) (attempt \(attempt), \(elapsed) ms)")
            guard retriesLeft, error.kind == .connection || error.kind == .timeout else { return finish(.failure(error)) }
            pause(headers: nil, reason: error.kind.className)
        case .success(let response):
            logger.info("\(method) \(shownURL) -> \(response.status) (attempt \(attempt), \(elapsed) ms)")
            if logger.logLevel <= .debug {
                logger.debug("response \(response.status)", metadata: [
                    "headers": .string(TelnyxClient.show(response.headers, redactor(token))),
                    "body": .string(TelnyxLogging.describeBody(response.body, redactor: redactor(token))),
                ])
            }
            if response.status < 400 { return finish(.success(response)) }
            let retry = RetryPolicy.shouldRetry(status: response.status, headers: response.headers)
            // An OAuth token can expire between the check and the server's: fetch a new one.
            if response.status == 401, let oauth, token != nil {
                let check = Task {
                    if await oauth.isExpired {
                        await oauth.invalidate()
                        self.decide(response, retry: true, retriesLeft: retriesLeft, token: token)
                    } else {
                        self.decide(response, retry: retry, retriesLeft: retriesLeft, token: token)
                    }
                }
                handle.setStep {
                    check.cancel()
                    self.finish(.failure(Self.cancelled))
                }
                return
            }
            decide(response, retry: retry, retriesLeft: retriesLeft, token: token)
        }
    }

    /// Retries an error response, or fails with it.
    private func decide(_ response: APIResponse, retry: Bool, retriesLeft: Bool, token: String?) {
        if handle.isCancelled { return finish(.failure(Self.cancelled)) }
        guard retriesLeft, retry else {
            var error = TelnyxError.fromResponse(response, redactor: redactor(token))
            if response.status == 401, prepared.apiKey == nil, oauth == nil, token == nil {
                error.message += " (no API key: set TELNYX_API_KEY or pass one)"
            }
            return finish(.failure(error))
        }
        pause(headers: response.headers, reason: "status \(response.status)")
    }

    /// Waits before the next attempt, scaled by `retryDelayScale`, on an event loop's timer.
    private func pause(headers: [(String, String)]?, reason: String) {
        let delay = RetryPolicy.delay(retryIndex: attempt - 1, headers: headers) * options.retryDelayScale
        options.onRetry?(attempt, delay, reason)
        options.logger.info("retrying in \(Clamp.milliseconds(delay)) ms after \(reason) (retry \(attempt))")
        let timer = loop.scheduleTask(in: .milliseconds(Clamp.milliseconds(delay))) {
            self.next()
        }
        handle.setStep {
            timer.cancel()
            self.finish(.failure(Self.cancelled))
        }
    }

    /// The redactor for the secrets of an attempt sent with `token`, made once: building one
    /// (every escaped and encoded form of every secret) costs more than the rest of a call.
    private func redactor(_ token: String?) -> Redactor {
        if let cached = redactorCache, cached.token == token { return cached.redactor }
        let made = Redactor(secrets: options.secrets + [prepared.apiKey, token])
        redactorCache = (token, made)
        return made
    }

    private var redactorCache: (token: String?, redactor: Redactor)?

    private func finish(_ result: Result<APIResponse, TelnyxError>) {
        guard handle.markFinished() else { return }
        let alone = transport.release()
        completion(result)
        // Calls made one after another: the next one usually comes within microseconds.
        if alone && loop.inEventLoop { transport.linger(on: loop) }
    }

    static let cancelled = TelnyxError(kind: .cancelled, message: "request cancelled")
}
