import NIOConcurrencyHelpers
import Telnyx

/// What the store would otherwise generate again on every request: the compiled shape of each
/// schema it renders records with, the generated (schema-driven) part of recently rendered
/// records, and the envelope and page template of each endpoint.
///
/// All of it is a pure function of the seed and the schema, so caching changes no byte of any
/// answer; it only keeps the sandbox from being the slowest part of what it is used to measure
/// (docs/benchmarks.md, issue 18). The record cache serves retrieves, filters and the
/// simulation's lookups (a page's records are written from their plan and skip it); it is
/// bounded to `recordLimit` records.
final class RenderCache: Sendable {
    private struct RecordKey: Hashable {
        let schema: String
        let base: UInt64
    }

    private struct State {
        var shapes: [String: RecordShape] = [:]
        var records: [RecordKey: JSONValue] = [:]
        var values: [String: JSONValue] = [:]
    }

    /// Generated records kept at most (about 4 kB each).
    static let recordLimit = 4096

    private let state = NIOLockedValueBox(State())

    /// The shape of `schema`, known as `name`, compiled by `factory` the first time.
    func shape(_ schema: JSONValue, as name: String, _ factory: ResponseFactory) -> RecordShape {
        if let known = state.withLockedValue({ $0.shapes[name] }) { return known }
        let made = RecordShape(schema, factory)
        state.withLockedValue { $0.shapes[name] = made }
        return made
    }

    /// The generated part of the record with seed `base` under schema `name`.
    func record(_ name: String, base: UInt64, _ make: () -> JSONValue) -> JSONValue {
        let key = RecordKey(schema: name, base: base)
        if let known = state.withLockedValue({ $0.records[key] }) { return known }
        let made = make()
        state.withLockedValue { state in
            // Dropping everything at the bound keeps the bookkeeping free; the records come back
            // from their seeds.
            if state.records.count >= Self.recordLimit { state.records.removeAll(keepingCapacity: true) }
            state.records[key] = made
        }
        return made
    }

    /// A value that depends on nothing but `name` (an endpoint's envelope or page template).
    func value(_ name: String, _ make: () -> JSONValue) -> JSONValue {
        if let known = state.withLockedValue({ $0.values[name] }) { return known }
        let made = make()
        state.withLockedValue { $0.values[name] = made }
        return made
    }
}
