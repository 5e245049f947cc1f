import Logging
import NIOConcurrencyHelpers

/// A swift-log handler that keeps every line (message and metadata) in memory, so tests can read
/// exactly what `TELNYX_LOG=debug` would have printed.
struct CapturingLogHandler: LogHandler {
    /// The lines logged through any copy of this handler.
    final class Store: Sendable {
        private let lines = NIOLockedValueBox<[String]>([])
        var all: [String] { lines.withLockedValue { $0 } }
        var text: String { all.joined(separator: "\n") }
        func append(_ line: String) { lines.withLockedValue { $0.append(line) } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let extra = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        store.append("\(event.level) \(event.message) \(extra)")
    }

    /// A debug-level logger writing into a fresh store.
    static func logger() -> (Logger, Store) {
        let store = Store()
        var logger = Logger(label: "telnyx") { _ in CapturingLogHandler(store: store) }
        logger.logLevel = .debug
        return (logger, store)
    }
}
