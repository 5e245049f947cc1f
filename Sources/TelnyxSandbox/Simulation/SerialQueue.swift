import NIOConcurrencyHelpers

/// Runs asynchronous jobs one after another: a job gets a `done` callback and the next job
/// starts only once it is called. Each simulated call sends its webhooks and TeXML requests
/// through one, so its events arrive in the order they happened.
final class SerialQueue: Sendable {
    typealias Job = @Sendable (_ done: @escaping @Sendable () -> Void) -> Void

    private struct State {
        var busy = false
        var pending: [Job] = []
        var head = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Queues `job`; it starts at once when nothing else is running.
    func enqueue(_ job: @escaping Job) {
        let start = state.withLockedValue { s -> Bool in
            if s.busy {
                s.pending.append(job)
                return false
            }
            s.busy = true
            return true
        }
        if start { run(job) }
    }

    /// Jobs waiting (not counting the running one).
    var waiting: Int { state.withLockedValue { $0.pending.count - $0.head } }

    private func run(_ job: @escaping Job) {
        job { [self] in self.next() }
    }

    private func next() {
        let job = state.withLockedValue { s -> Job? in
            guard s.head < s.pending.count else {
                s.busy = false
                s.pending.removeAll()
                s.head = 0
                return nil
            }
            let job = s.pending[s.head]
            s.head += 1
            if s.head > 64 && s.head * 2 > s.pending.count {
                s.pending.removeFirst(s.head)
                s.head = 0
            }
            return job
        }
        if let job { run(job) }
    }
}
