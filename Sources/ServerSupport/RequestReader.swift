import NIOCore
import NIOHTTP1

/// Gathers one HTTP request at a time from the decoder's parts, within a body size limit: a
/// request announcing more (or a length too big for an Int) is refused at its head, before a
/// byte of its body is read, and one that sends more is refused at the chunk that passes the
/// limit, so a huge upload never costs more memory than the limit. The sandbox and
/// `telnyx-lua serve` both read requests with one.
public struct RequestReader {
    /// What a part completed.
    public enum Step {
        /// Nothing yet.
        case reading
        /// The request is larger than the limit; `received` bytes of its body had arrived. The
        /// caller answers 413 and drains or closes; the reader is ready for the next request.
        case tooLarge(HTTPRequestHead, received: Int)
        /// A whole request.
        case complete(HTTPRequestHead, body: [UInt8])
    }

    public let limit: Int
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?

    public init(limit: Int) {
        self.limit = limit
    }

    /// Takes the next part of the request being read.
    public mutating func read(_ part: HTTPServerRequestPart) -> Step {
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
        let received = body?.readableBytes ?? 0
        head = nil
        body = nil
        return .tooLarge(requestHead, received: received)
    }

    /// A request target split at its `?`: the path and the raw query (empty when none).
    public static func split(_ uri: String) -> (path: String, query: String) {
        guard let question = uri.firstIndex(of: "?") else { return (uri, "") }
        return (String(uri[..<question]), String(uri[uri.index(after: question)...]))
    }
}
