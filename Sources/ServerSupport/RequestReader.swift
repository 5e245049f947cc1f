import NIOCore
import NIOHTTP1

/// Gathers one HTTP request at a time from the decoder's parts, within a body size limit: a
/// request announcing more (or a length too big for an Int) is refused at its head, before a
/// byte of its body is read, and one that sends more is refused at the chunk that passes the
/// limit, so a huge upload never costs more memory than the limit. The rest of a refused body
/// is read and dropped (so a client still uploading gets to read the 413 instead of a reset),
/// up to `drainLimit`. The sandbox and `telnyx-lua serve` both read requests with one.
public struct RequestReader {
    /// What a part completed.
    public enum Step {
        /// Nothing yet (or a refused body's bytes, dropped).
        case reading
        /// The request is larger than the limit: the caller answers 413, keep-alive as the
        /// request asked; the rest of its body is drained.
        case tooLarge(HTTPRequestHead)
        /// A refused body has been drained: the connection serves its next request.
        case drained
        /// The connection must close: the refused body was too long to drain, a request came
        /// behind it, or its request did not ask for keep-alive.
        case cutOff
        /// A whole request.
        case complete(HTTPRequestHead, body: [UInt8])
    }

    public let limit: Int
    public let drainLimit: Int
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    /// While a refused body is dropped: its bytes so far, and whether the connection goes on.
    private var drain: (bytes: Int, keepAlive: Bool)?

    public init(limit: Int, drainLimit: Int) {
        self.limit = limit
        self.drainLimit = drainLimit
    }

    /// Whether a refused body is being dropped (its answer, the 413, has been sent).
    public var isDraining: Bool { drain != nil }

    /// Takes the next part of the request being read.
    public mutating func read(_ part: HTTPServerRequestPart) -> Step {
        if let current = drain {
            switch part {
            case .head:
                return .cutOff
            case .body(let chunk):
                drain!.bytes += chunk.readableBytes
                return drain!.bytes > drainLimit ? .cutOff : .reading
            case .end:
                drain = nil
                return current.keepAlive ? .drained : .cutOff
            }
        }
        switch part {
        case .head(let requestHead):
            head = requestHead
            body = nil
            if let length = requestHead.headers.first(name: "content-length"),
                Int(length).map({ $0 > limit }) ?? !length.isEmpty
            {
                return refuse(requestHead)
            }
        case .body(var chunk):
            guard let requestHead = head else { return .reading }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > limit { return refuse(requestHead) }
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
        case .end:
            guard let requestHead = head else { return .reading }
            let bytes = body.map { Array($0.readableBytesView) } ?? []
            head = nil
            body = nil
            return .complete(requestHead, body: bytes)
        }
        return .reading
    }

    private mutating func refuse(_ requestHead: HTTPRequestHead) -> Step {
        drain = (body?.readableBytes ?? 0, requestHead.isKeepAlive)
        head = nil
        body = nil
        return .tooLarge(requestHead)
    }

    /// A request target split at its `?`: the path and the raw query (empty when none).
    public static func split(_ uri: String) -> (path: String, query: String) {
        guard let question = uri.firstIndex(of: "?") else { return (uri, "") }
        return (String(uri[..<question]), String(uri[uri.index(after: question)...]))
    }
}
