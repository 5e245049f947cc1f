#if canImport(Glibc)
import Glibc
#endif
import LuaShims
import Synchronization
import Telnyx

/// Runs HTTP requests for the Lua thread. Lua is single-threaded, the client is not: each
/// request runs on the client's event loops, and its outcome is parked here until the Lua thread
/// collects it. The Lua side (the scheduler in stdlib/telnyx/runtime/scheduler.lua) asks which
/// requests are done (`poll`), takes their outcomes (`take`), and resumes the coroutines that
/// waited for them.
///
/// A request costs two thread hops: the Lua thread hands it to an event loop, and the loop's
/// completion wakes the Lua thread. No Swift task runs per request (see `TelnyxClient.start`).
final class RequestEngine: @unchecked Sendable {
    /// The outcome of one request, or what short-circuited it (dry-run).
    typealias Outcome = Result<APIResponse, TelnyxError>

    private let condition = WaitCondition()
    private var nextID = 1
    private var running: [Int: RequestHandle] = [:]
    private var finished: [Int: Outcome] = [:]
    private var ready: [Int] = []
    /// Set by `wake()`: the next (or current) poll returns at once, with whatever it has.
    private var woken = false
    /// Outcomes parked since the last poll, readable without the lock (for the spin in `poll`).
    private let parked = Atomic<Int>(0)
    /// How long `poll` watches for an answer before it sleeps: a loopback or nearby answer comes
    /// within it, and a thread that never slept needs no wake-up, which on a virtual machine
    /// costs more than the request itself.
    /// Measured side by side (docs/benchmarks.md): 50 µs gained nothing, 200 µs to 1 ms about
    /// doubled sequential calls against a loopback server.
    static let spinSeconds = 0.000_5
    static let spinWhenAtMost = 2

    /// Starts `request` on `client`; returns its id. `hold` (the body's share of the memory
    /// budget) lives until the request is done.
    func start(_ request: APIRequest, on client: TelnyxClient, options: RequestOptions?, holding hold: MemoryHold? = nil) -> Int {
        let id = newID()
        let handle = client.start(request, options: options) { [self, hold] outcome in
            withExtendedLifetime(hold) {}
            complete(id, with: outcome)
        }
        condition.locked {
            if finished[id] == nil { running[id] = handle }
        }
        return id
    }

    /// Records an outcome without sending anything (a dry-run answer, say); returns its id.
    func resolved(_ outcome: Outcome) -> Int {
        let id = newID()
        complete(id, with: outcome)
        return id
    }

    private func newID() -> Int {
        condition.locked {
            defer { nextID += 1 }
            return nextID
        }
    }

    private func complete(_ id: Int, with outcome: Outcome) {
        condition.locked {
            running[id] = nil
            finished[id] = outcome
            ready.append(id)
            parked.add(1, ordering: .releasing)
            condition.signal()
        }
    }

    /// Ids of requests finished since the last poll, waiting up to `timeout` seconds for one.
    /// Returns early, with what it has, when a Ctrl-C arrives (the caller checks for it) or
    /// `wake()` is called.
    func poll(timeout: Double) -> [Int] {
        let now = monotonicSeconds()
        let deadline = now + max(0, timeout)
        // One or two requests in flight (calls one after another, a page and its prefetch):
        // watch for the answer a moment before sleeping. With more, throughput counts, not the
        // latency of one answer, and a spinning thread would take a core from the event loops.
        if parked.load(ordering: .acquiring) == 0 && (1...Self.spinWhenAtMost).contains(runningCount) {
            let spinEnd = min(deadline, now + Self.spinSeconds)
            // Yielding between looks: with no other thread waiting for a core it returns at
            // once; on a busy machine the event loops (which bring the answer) run first.
            while parked.load(ordering: .acquiring) == 0 && monotonicSeconds() < spinEnd { sched_yield() }
        }
        return condition.locked {
            defer { woken = false }
            while ready.isEmpty && !woken && tl_interrupt_requested() == 0 {
                let left = deadline - monotonicSeconds()
                if left <= 0 { break }
                // Wake at least every 50 ms to notice Ctrl-C, which can't signal the condition.
                _ = condition.wait(seconds: min(left, 0.05))
            }
            let ids = ready
            ready.removeAll(keepingCapacity: true)
            parked.store(0, ordering: .relaxed)
            return ids
        }
    }

    /// Ends the current or next `poll` early: something other than a request (an event for
    /// `telnyx-lua serve`) needs the Lua thread. Any thread may call it.
    func wake() {
        condition.locked {
            woken = true
            condition.signal()
        }
    }

    /// The outcome of a finished request, removed from the engine; nil if not finished.
    func take(_ id: Int) -> Outcome? {
        condition.locked { finished.removeValue(forKey: id) }
    }

    /// Cancels a running request, which aborts its HTTP exchange or retry pause. Its outcome (a
    /// cancellation error) still arrives through `poll`.
    func cancel(_ id: Int) {
        condition.locked { running[id] }?.cancel()
    }

    /// Whether finished requests wait to be collected by `poll` (it does not collect them).
    var hasFinished: Bool {
        condition.locked { !ready.isEmpty }
    }

    /// How many requests are running now.
    var runningCount: Int {
        condition.locked { running.count }
    }
}
