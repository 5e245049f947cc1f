import HTTP1Client
import NIOCore
import NIOHTTP1

/// Gathers one response for `HTTPTransport.start`: the head, then the body into one array of
/// bytes, refusing a body over `limit` or over what is left of the process's memory budget
/// (`--max-memory`) as soon as either shows, before it is held.
///
/// The client calls every method on the connection's event loop, one at a time, and `response`
/// is read after the completion, so the state needs no lock (hence `@unchecked Sendable`).
final class BodyCollector: ResponseSink, @unchecked Sendable {
    private let limit: Int
    private var status = 0
    private var headers: [(String, String)] = []
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

    func head(status: Int, headers: HTTPHeaders) throws(HTTP1Error) {
        self.status = status
        self.headers = headers.map { ($0.name, $0.value) }
        let announced = headers.first(name: "content-length").flatMap(Int.init)
        if let announced {
            if announced > limit { throw Self.tooLarge(limit) }
            // A body announced larger than the budget has left is refused before it is read.
            if MemoryHold.limit != 0 && announced > MemoryHold.limit - MemoryHold.used { throw Self.overBudget }
        }
        if MemoryHold.limit != 0 {
            hold = MemoryHold.empty()
        } else if let announced {
            body.reserveCapacity(announced)
        }
    }

    func body(_ buffer: ByteBuffer) throws(HTTP1Error) {
        guard received + buffer.readableBytes <= limit else { throw Self.tooLarge(limit) }
        received += buffer.readableBytes
        guard let hold else {
            body.append(contentsOf: buffer.readableBytesView)
            return
        }
        // Copied into blocks of a fixed size, each counted whole when it is made: the bytes
        // are held in a few large allocations rather than one per network read, which left the
        // allocator's heap fragmented past the budget.
        var bytes = buffer.readableBytesView[...]
        while !bytes.isEmpty {
            if chunks.isEmpty || chunks[chunks.count - 1].count == chunks[chunks.count - 1].capacity {
                let size = max(Self.block, bytes.count)
                guard hold.grow(by: size) else { throw Self.overBudget }
                chunks.append([])
                chunks[chunks.count - 1].reserveCapacity(size)
            }
            let room = chunks[chunks.count - 1].capacity - chunks[chunks.count - 1].count
            chunks[chunks.count - 1].append(contentsOf: bytes.prefix(room))
            bytes = bytes.dropFirst(room)
        }
    }

    func end() throws(HTTP1Error) {
        if hold != nil {
            // The join needs the body twice for a moment; that is counted too.
            let joined = MemoryHold.empty()
            guard joined.grow(by: received) else { throw Self.overBudget }
            body.reserveCapacity(received)
            for chunk in chunks { body.append(contentsOf: chunk) }
            chunks = []
            hold = nil
            joinedHold = joined
        }
    }

    private var joinedHold: MemoryHold?

    /// The response, once the exchange completed.
    var response: APIResponse {
        APIResponse(status: status, headers: headers, body: body, memoryHold: joinedHold)
    }

    static let overBudget = HTTP1Error.refused("Response body larger than what is left of --max-memory; not read.")

    static func tooLarge(_ limit: Int) -> HTTP1Error {
        .refused("Response body larger than the \(limit)-byte limit; not read.")
    }
}
