import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Gathers one response for `HTTPTransport.start`: the head, then the body into one array of
/// bytes, refusing a body over `limit` or over what is left of the process's memory budget
/// (`--max-memory`) as soon as either shows, before it is held.
///
/// AsyncHTTPClient calls every method on the exchange's event loop, one at a time, so the
/// state needs no lock (hence `@unchecked Sendable`).
final class BodyCollector: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = APIResponse

    private let limit: Int
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []
    /// Under a memory budget: the body so far, in blocks, and their share of the budget. Each
    /// network read is copied out at once (a ByteBuffer slice keeps the decoder's whole buffer
    /// alive) and the blocks are joined once at the end into an array of the exact size, since
    /// a growing array holds up to twice its count, uncounted.
    private var chunks: [[UInt8]] = []
    private static let block = 1 << 20
    private var received = 0
    private var hold: MemoryHold?

    init(limit: Int) { self.limit = limit }

    func didReceiveHead(task: HTTPClient.Task<APIResponse>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        self.head = head
        let announced = head.headers.first(name: "content-length").flatMap(Int.init)
        if let announced {
            if announced > limit { return task.eventLoop.makeFailedFuture(NIOTooManyBytesError(maxBytes: limit)) }
            // A body announced larger than the budget has left is refused before it is read.
            if MemoryHold.limit != 0 && announced > MemoryHold.limit - MemoryHold.used {
                return task.eventLoop.makeFailedFuture(HTTPTransport.OverBudget())
            }
        }
        if MemoryHold.limit != 0 {
            hold = MemoryHold.empty()
        } else if let announced {
            body.reserveCapacity(announced)
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<APIResponse>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard received + buffer.readableBytes <= limit else {
            return task.eventLoop.makeFailedFuture(NIOTooManyBytesError(maxBytes: limit))
        }
        received += buffer.readableBytes
        guard let hold else {
            body.append(contentsOf: buffer.readableBytesView)
            return task.eventLoop.makeSucceededVoidFuture()
        }
        // Copied into blocks of a fixed size, each counted whole when it is made: the bytes
        // are held in a few large allocations rather than one per network read, which left the
        // allocator's heap fragmented past the budget.
        var bytes = buffer.readableBytesView[...]
        while !bytes.isEmpty {
            if chunks.isEmpty || chunks[chunks.count - 1].count == chunks[chunks.count - 1].capacity {
                let size = max(Self.block, bytes.count)
                guard hold.grow(by: size) else { return task.eventLoop.makeFailedFuture(HTTPTransport.OverBudget()) }
                chunks.append([])
                chunks[chunks.count - 1].reserveCapacity(size)
            }
            let room = chunks[chunks.count - 1].capacity - chunks[chunks.count - 1].count
            chunks[chunks.count - 1].append(contentsOf: bytes.prefix(room))
            bytes = bytes.dropFirst(room)
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<APIResponse>) throws -> APIResponse {
        guard let head else { throw HTTPClientError.remoteConnectionClosed }
        var joinedHold: MemoryHold?
        if hold != nil {
            // The join needs the body twice for a moment; that is counted too.
            let joined = MemoryHold.empty()
            guard joined.grow(by: received) else { throw HTTPTransport.OverBudget() }
            body.reserveCapacity(received)
            for chunk in chunks { body.append(contentsOf: chunk) }
            chunks = []
            hold = nil
            joinedHold = joined
        }
        return APIResponse(
            status: Int(head.status.code), headers: head.headers.map { ($0.name, $0.value) }, body: body,
            memoryHold: joinedHold)
    }
}
