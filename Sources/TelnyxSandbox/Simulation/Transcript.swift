import Telnyx

/// What happened on one simulated call, in order, with times: commands and TeXML verbs with
/// their text or URL, digits the party pressed, state changes, webhooks and fetches, errors.
/// Kept to `capacity` entries (later ones are counted in `dropped`).
struct Transcript: Sendable {
    static let capacity = 500
    let startedMs: Int64
    private(set) var entries: [JSONValue] = []
    private(set) var dropped = 0

    init(startedMs: Int64) { self.startedMs = startedMs }

    /// Appends `{"at", "elapsed_ms", "event", ...fields}`.
    mutating func add(_ event: String, _ fields: [String: JSONValue] = [:]) {
        guard entries.count < Self.capacity else {
            dropped += 1
            return
        }
        let now = SimulationClock.nowMs()
        var entry = fields
        entry["event"] = .string(event)
        entry["at"] = .string(SimulationClock.iso(now))
        entry["elapsed_ms"] = .int(now - startedMs)
        entries.append(.object(entry))
    }
}
