#if canImport(Glibc)
import Glibc
#endif

/// Writing to the standard streams without touching C's `stderr` global, which Swift 6 rejects
/// as shared mutable state.
enum Console {
    /// Writes `text` to stderr as is, after flushing stdout so the two stay in order.
    static func error(_ text: String) {
        write(text, to: 2)
    }

    /// Writes `text` to `descriptor` (stdout by default) as is, after flushing C's buffers.
    static func write(_ text: String, to descriptor: Int32 = 1) {
        fflush(nil)
        var copy = text
        copy.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
