#if canImport(Glibc)
import Glibc
#endif
import Telnyx
import TelnyxEvents

/// `serve --sandbox`: the in-process sandbox signs its deliveries with a key of its own, which it
/// publishes at `GET /__sandbox/public_key`. One plain HTTP/1.0 exchange on loopback, before the
/// app runs: no client to set up for one small answer.
enum SandboxPublicKey {
    static func fetch(baseURL: String) throws -> String {
        guard let port = try? Containment.port(of: baseURL) else { throw EventServerError("cannot read the sandbox's port from \(baseURL)") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw EventServerError("cannot open a socket to the sandbox") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw EventServerError("cannot reach the sandbox at \(baseURL)") }
        let request = Array("GET /__sandbox/public_key HTTP/1.0\r\nhost: 127.0.0.1\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else {
            throw EventServerError("cannot ask the sandbox for its public key")
        }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while answer.count < 65536 {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            answer.append(contentsOf: chunk[..<n])
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let split = (0..<max(0, answer.count - 3)).first(where: { Array(answer[$0..<$0 + 4]) == separator }),
            String(decoding: answer.prefix(12), as: UTF8.self).hasSuffix("200"),
            let key = (try? JSONValue.parse(answer[(split + 4)...]))?["public_key"]?.stringValue
        else {
            throw EventServerError("the sandbox did not give its public key (GET /__sandbox/public_key)")
        }
        return key
    }
}
