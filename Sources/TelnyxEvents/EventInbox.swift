import NIOConcurrencyHelpers

/// Where the server leaves what it accepted for the Lua thread, which takes it when it is free.
/// The server runs on event-loop threads and Lua on one thread of its own, so everything here
/// is behind one lock; `onArrival` wakes the Lua thread's wait (the request engine's poll).
///
/// It also holds what both sides must agree on: the routes Lua registered (the server needs
/// them to tell a TeXML fetch from a webhook delivery before answering), the event ids already
/// seen (a redelivery is acknowledged but not run again), and the open route requests waiting
/// for their handler's answer.
public final class EventInbox: @unchecked Sendable {
    /// One accepted request: a webhook delivery (acknowledged already) or a route request
    /// (whose answer `respond(token:...)` sends).
    public struct Item: Sendable {
        public enum Kind: String, Sendable { case delivery, route }
        public let kind: Kind
        public let token: Int
        public let method: String
        public let path: String
        public let query: String
        /// Names in lower case, in arrival order.
        public let headers: [(String, String)]
        public let body: [UInt8]
    }

    /// A route's answer, sent on the connection that asked.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]
        public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    /// A path Lua serves itself (`telnyx.route`): exact, or every path under a prefix ending in `*`.
    public struct Route: Sendable {
        public let pattern: String
        /// Whether requests must carry Telnyx's signature (the default).
        public let verify: Bool
        func matches(_ path: String) -> Bool {
            pattern.hasSuffix("*") ? path.hasPrefix(pattern.dropLast()) : path == pattern
        }
    }

    /// The longest event id accepted: Telnyx's are UUIDs; the ids remembered stay small.
    public static let maxEventIDBytes = 256

    /// Why `offer` refused an item.
    public enum Refusal: Error { case full, stopping }

    private let lock = NIOLock()
    private let maxQueued: Int
    private let maxQueuedBytes: Int
    private let rememberedIDs: Int
    /// Deliveries, bounded by `maxQueued` and `maxQueuedBytes`.
    private var queue: [Item] = []
    private var head = 0
    private var queuedBytes = 0
    /// Route requests: a caller is waiting on each (a TeXML fetch), so they are handed out
    /// before deliveries, which are acknowledged already; each holds its connection open, so
    /// the server's connection limit bounds their count, and a byte budget of their own (the
    /// same size as the deliveries') their memory.
    private var routeQueue: [Item] = []
    private var routeBytes = 0
    private var nextToken = 1
    private var responders: [Int: @Sendable (Response) -> Void] = [:]
    private var routes: [Route] = []
    /// Ids as bytes: Swift's String equality is canonical equivalence, so "café" written two
    /// ways would be one id, and a distinct event would be taken for a redelivery.
    private var seen: Set<[UInt8]> = []
    private var seenOrder: [[UInt8]] = []
    private var seenNext = 0
    private var stopped = false
    private var wake: (@Sendable () -> Void)?

    public init(settings: EventServerSettings = EventServerSettings()) {
        maxQueued = max(1, settings.maxQueued)
        maxQueuedBytes = max(1, settings.maxQueuedBytes)
        rememberedIDs = max(1, settings.rememberedEventIDs)
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Called (on a server thread) each time something arrives; the Lua host sets it.
    public func setWake(_ wake: @escaping @Sendable () -> Void) {
        locked { self.wake = wake }
    }

    // MARK: Server side

    /// Queues a request; a route request's `respond` is called once with its answer (or with
    /// 503 if the server stops first). Refused when the queue is full or the server stopping.
    public func offer(
        kind: Item.Kind, method: String, path: String, query: String, headers: [(String, String)], body: [UInt8],
        respond: (@Sendable (Response) -> Void)? = nil
    ) throws(Refusal) {
        lock.lock()
        if stopped {
            lock.unlock()
            throw .stopping
        }
        let full = kind == .delivery
            ? queue.count - head >= maxQueued || queuedBytes + body.count > maxQueuedBytes
            : routeBytes + body.count > maxQueuedBytes
        if full {
            lock.unlock()
            throw .full
        }
        let token = nextToken
        nextToken += 1
        let item = Item(kind: kind, token: token, method: method, path: path, query: query, headers: headers, body: body)
        if kind == .route {
            routeQueue.append(item)
            routeBytes += body.count
        } else {
            queue.append(item)
            queuedBytes += body.count
        }
        if let respond { responders[token] = respond }
        let wake = self.wake
        lock.unlock()
        wake?()
    }

    /// Whether event id `text` was seen before; remembers it (the oldest ids are forgotten
    /// first). Ids are short (the server refuses longer than `maxEventIDBytes`).
    public func isRedelivery(of text: String) -> Bool {
        let id = Array(text.utf8)
        return locked {
            if seen.contains(id) { return true }
            if seenOrder.count < rememberedIDs {
                seenOrder.append(id)
            } else {
                seen.remove(seenOrder[seenNext])
                seenOrder[seenNext] = id
                seenNext = (seenNext + 1) % rememberedIDs
            }
            seen.insert(id)
            return false
        }
    }

    /// The route that serves `path`, if Lua registered one.
    /// The exact pattern wins, then the longest prefix (the Lua dispatcher chooses the same way).
    public func route(for path: String) -> Route? {
        locked {
            routes.first { $0.pattern == path }
                ?? routes.filter { $0.pattern.hasSuffix("*") && $0.matches(path) }.max { $0.pattern.count < $1.pattern.count }
        }
    }

    // MARK: Lua side

    /// Registers a route (a later registration of the same pattern replaces the earlier).
    public func addRoute(_ pattern: String, verify: Bool) {
        locked {
            routes.removeAll { $0.pattern == pattern }
            routes.append(Route(pattern: pattern, verify: verify))
        }
    }

    /// Takes up to `limit` queued items: route requests first, then deliveries, each oldest first.
    public func take(limit: Int = .max) -> [Item] {
        locked {
            let routes = routeQueue.prefix(max(0, limit))
            routeQueue.removeFirst(routes.count)
            let end = head + min(queue.count - head, max(0, limit - routes.count))  // no head + Int.max
            let items = Array(routes) + Array(queue[head..<end])
            head = end
            if head == queue.count {
                queue.removeAll(keepingCapacity: queue.count < 4096)
                head = 0
            } else if head > 4096 {
                queue.removeFirst(head)
                head = 0
            }
            for item in items {
                if item.kind == .delivery { queuedBytes -= item.body.count } else { routeBytes -= item.body.count }
            }
            return items
        }
    }

    /// Answers route request `token`; false if it was answered already or never existed.
    @discardableResult
    public func respond(token: Int, _ response: Response) -> Bool {
        guard let responder = locked({ responders.removeValue(forKey: token) }) else { return false }
        responder(response)
        return true
    }

    /// Items queued and not taken yet.
    public var queuedCount: Int { locked { queue.count - head + routeQueue.count } }

    /// Refuses every new request from now on; what was accepted is still handed out.
    public func stop() {
        locked { stopped = true }
    }

    /// Answers the route requests still open with 503 (their handlers ran out of time at shutdown).
    public func abandonOpenRoutes() {
        let open = locked { () -> [@Sendable (Response) -> Void] in
            defer { responders.removeAll() }
            return Array(responders.values)
        }
        let body = Array(#"{"errors":[{"title":"Service unavailable","detail":"the server stopped before the handler answered"}]}"#.utf8)
        for responder in open {
            responder(Response(status: 503, headers: [("content-type", "application/json")], body: body))
        }
    }

    public var isStopped: Bool { locked { stopped } }
}
