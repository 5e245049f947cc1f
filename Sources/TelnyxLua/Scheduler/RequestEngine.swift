import Foundation
import LuaShims
import Telnyx

/// Runs HTTP requests for the Lua thread. Lua is single-threaded, the client is async: each
/// request runs as a Swift task on the client's event loops, and its outcome is parked here
/// until the Lua thread collects it. The Lua side (the scheduler in
/// stdlib/telnyx/runtime/scheduler.lua) asks which requests are done (`poll`), takes their
/// outcomes (`take`), and resumes the coroutines that waited for them.
final class RequestEngine: @unchecked Sendable {
    /// The outcome of one request, or what short-circuited it (dry-run).
    typealias Outcome = Result<APIResponse, TelnyxError>

    private let condition = NSCondition()
    private var nextID = 1
    private var running: [Int: Task<Void, Never>] = [:]
    private var finished: [Int: Outcome] = [:]
    private var ready: [Int] = []
    /// Set by `wake()`: the next (or current) poll returns at once, with whatever it has.
    private var woken = false

    /// Starts `request` on `client`; returns its id. `hold` (the body's share of the memory
    /// budget) lives until the request is done.
    func start(_ request: APIRequest, on client: TelnyxClient, options: RequestOptions?, holding hold: MemoryHold? = nil) -> Int {
        condition.lock()
        let id = nextID
        nextID += 1
        condition.unlock()
        let task = Task { [self, hold] in
            defer { withExtendedLifetime(hold) {} }
            let outcome: Outcome
            do throws(TelnyxError) {
                outcome = .success(try await client.send(request, options: options))
            } catch {
                outcome = .failure(error)
            }
            complete(id, with: outcome)
        }
        condition.lock()
        if finished[id] == nil { running[id] = task }
        condition.unlock()
        return id
    }

    /// Records an outcome without sending anything (a dry-run answer, say); returns its id.
    func resolved(_ outcome: Outcome) -> Int {
        condition.lock()
        let id = nextID
        nextID += 1
        condition.unlock()
        complete(id, with: outcome)
        return id
    }

    private func complete(_ id: Int, with outcome: Outcome) {
        condition.lock()
        running[id] = nil
        finished[id] = outcome
        ready.append(id)
        condition.signal()
        condition.unlock()
    }

    /// Ids of requests finished since the last poll, waiting up to `timeout` seconds for one.
    /// Returns early, with what it has, when a Ctrl-C arrives (the caller checks for it) or
    /// `wake()` is called.
    func poll(timeout: Double) -> [Int] {
        let deadline = Date(timeIntervalSinceNow: max(0, timeout))
        condition.lock()
        defer { condition.unlock() }
        defer { woken = false }
        while ready.isEmpty && !woken && tl_interrupt_requested() == 0 {
            // Wake at least every 50 ms to notice Ctrl-C, which can't signal the condition.
            let slice = min(deadline, Date(timeIntervalSinceNow: 0.05))
            if !condition.wait(until: slice) && Date() >= deadline { break }
        }
        let ids = ready
        ready.removeAll(keepingCapacity: true)
        return ids
    }

    /// Ends the current or next `poll` early: something other than a request (an event for
    /// `telnyx-lua serve`) needs the Lua thread. Any thread may call it.
    func wake() {
        condition.lock()
        woken = true
        condition.signal()
        condition.unlock()
    }

    /// The outcome of a finished request, removed from the engine; nil if not finished.
    func take(_ id: Int) -> Outcome? {
        condition.lock()
        defer { condition.unlock() }
        return finished.removeValue(forKey: id)
    }

    /// Cancels a running request: its task is cancelled, which aborts the HTTP exchange.
    /// Its outcome (a cancellation error) still arrives through `poll`.
    func cancel(_ id: Int) {
        condition.lock()
        let task = running[id]
        condition.unlock()
        task?.cancel()
    }

    /// How many requests are running now.
    var runningCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return running.count
    }
}
