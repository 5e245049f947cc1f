import NIOConcurrencyHelpers

/// Whole answers to GET requests, as sent, for as long as the store has not changed: the same
/// record or page asked for again (a test suite re-reading its fixtures, a load generator)
/// costs a lookup instead of a render and an encoding.
///
/// `Store.version` counts every change; an answer is kept only if no change happened while it
/// was made, and any later change makes every kept answer stale. Faults, latency and the request
/// log apply outside, on each request as before. Bounded by count and bytes; when full it starts
/// over (a walk of a million numbers keeps nothing for long, and loses nothing either).
final class AnswerCache: Sendable {
    static let maxAnswers = 512
    static let maxBytes = 32 << 20

    private struct State {
        var version = -1
        var answers: [String: Reply] = [:]
        var bytes = 0
    }

    private let state = NIOLockedValueBox(State())

    /// The answer to the request `key` (method, path and query), made by `make` unless one made
    /// at store version `version` is kept.
    func answer(_ key: String, version: () -> Int, _ make: () -> Reply) -> Reply {
        let before = version()
        if let kept = state.withLockedValue({ $0.version == before ? $0.answers[key] : nil }) { return kept }
        let made = make()
        guard made.status == 200, before == version() else { return made }
        state.withLockedValue { state in
            if state.version != before || state.answers.count >= Self.maxAnswers || state.bytes + made.body.count > Self.maxBytes {
                state = State(version: before)
            }
            state.answers[key] = made
            state.bytes += made.body.count
        }
        return made
    }
}
