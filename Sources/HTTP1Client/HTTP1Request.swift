/// One HTTP/1.1 request: what `HTTP1Client.execute` sends.
public struct HTTP1Request: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A whole response, for callers that want it in one piece (`HTTP1Client.perform`).
public struct HTTP1Response: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    /// The first value of header `name` (any case).
    public func header(_ name: String) -> String? {
        headers.first { HTTPSyntax.sameName($0.0, name) }?.1
    }
}

/// Why an exchange failed. No case carries a header value, so no message can quote a secret.
public enum HTTP1Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The URL cannot be sent (not http or https, no host, a bad port).
    case invalidURL(String)
    /// A header name that is not a token, or a value with a line break or NUL (named, not quoted).
    case invalidHeader(name: String)
    /// The method is not a token.
    case invalidMethod
    /// No connection within the connect timeout.
    case connectTimeout
    /// The exchange (waiting for a connection, sending, reading the body) outlived its deadline.
    case deadlineExceeded
    /// `cancel()` was called.
    case cancelled
    /// The server could not be reached (refused, unreachable, name not resolved).
    case connectFailed(String)
    /// The server closed the connection before the whole response arrived.
    case connectionClosed
    /// TLS failed: the handshake, or the certificate or hostname did not verify.
    case tls(String)
    /// The response broke HTTP/1.1.
    case malformedResponse(String)
    /// More than five redirects in a row, or one without a usable `Location`.
    case redirect(String)
    /// The client was shut down.
    case shutDown
    /// The body sink refused the response (too large, over a memory budget).
    case refused(String)

    public var description: String {
        switch self {
        case .invalidURL(let why): return "invalid URL: \(why)"
        case .invalidHeader(let name): return "header \(name) has a name or value that cannot be sent"
        case .invalidMethod: return "the method is not a valid HTTP token"
        case .connectTimeout: return "connect timeout"
        case .deadlineExceeded: return "deadline exceeded"
        case .cancelled: return "cancelled"
        case .connectFailed(let why): return "could not connect: \(why)"
        case .connectionClosed: return "the server closed the connection before the response ended"
        case .tls(let why): return "TLS: \(why)"
        case .malformedResponse(let why): return "malformed response: \(why)"
        case .redirect(let why): return "redirect: \(why)"
        case .shutDown: return "the HTTP client is shut down"
        case .refused(let why): return why
        }
    }
}

/// The parts of an http or https URL the client needs.
public struct HTTP1URL: Equatable, Sendable {
    public var secure: Bool
    /// The host as written (an IPv6 address without its brackets).
    public var host: String
    public var port: Int
    /// Path and query, as sent on the request line (`/` when the URL has none).
    public var target: String

    /// The pool key: requests to the same origin share connections.
    var origin: Origin { Origin(secure: secure, host: host, port: port) }

    /// The `Host` header: the port only when it is not the scheme's default; IPv6 in brackets.
    var hostHeader: String {
        port == (secure ? 443 : 80) ? bracketedHost : "\(bracketedHost):\(port)"
    }

    /// The host as a URL writes it: an IPv6 address in brackets.
    private var bracketedHost: String { host.contains(":") ? "[\(host)]" : host }

    /// Parses `url`; throws `.invalidURL` saying what is wrong (never quoting a query, which may
    /// hold a secret). Works on the bytes: this runs for every request.
    public init(_ url: String) throws(HTTP1Error) {
        let bytes = Array(url.utf8)
        func lower(_ byte: UInt8) -> UInt8 { byte | (byte >= 65 && byte <= 90 ? 0x20 : 0) }
        func starts(with scheme: String) -> Bool {
            let prefix = Array(scheme.utf8)
            return bytes.count >= prefix.count && zip(bytes, prefix).allSatisfy { lower($0) == $1 }
        }
        var start: Int
        if starts(with: "https://") {
            secure = true
            start = 8
        } else if starts(with: "http://") {
            secure = false
            start = 7
        } else {
            throw .invalidURL("the scheme must be http or https")
        }
        let slash = UInt8(ascii: "/"), question = UInt8(ascii: "?"), hash = UInt8(ascii: "#")
        let authorityEnd = bytes[start...].firstIndex { $0 == slash || $0 == question || $0 == hash } ?? bytes.endIndex
        let pathEnd = bytes[authorityEnd...].firstIndex(of: hash) ?? bytes.endIndex
        var authority = bytes[start..<authorityEnd]
        // Credentials in the URL are not supported: they would travel in clear in logs.
        if authority.contains(UInt8(ascii: "@")) { throw .invalidURL("user information in the URL is not supported") }
        var portBytes: ArraySlice<UInt8> = []
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { throw .invalidURL("unclosed IPv6 address") }
            let after = authority[(close + 1)...]
            if after.first == UInt8(ascii: ":") {
                portBytes = after.dropFirst()
            } else if !after.isEmpty {
                throw .invalidURL("unexpected text after the IPv6 address")
            }
            authority = authority[(authority.startIndex + 1)..<close]
        } else if let colon = authority.lastIndex(of: UInt8(ascii: ":")) {
            portBytes = authority[(colon + 1)...]
            authority = authority[..<colon]
        }
        guard !authority.isEmpty else { throw .invalidURL("no host") }
        guard authority.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalidURL("the host has characters a URL cannot carry")
        }
        host = String(decoding: authority, as: UTF8.self)
        if portBytes.isEmpty {
            port = secure ? 443 : 80
        } else {
            guard portBytes.count <= 5, portBytes.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                let value = Int(String(decoding: portBytes, as: UTF8.self)), (1...65535).contains(value)
            else { throw .invalidURL("bad port") }
            port = value
        }
        let path = bytes[authorityEnd..<pathEnd]
        guard path.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw .invalidURL("the path or query has a space or control character")
        }
        var target = path.first == slash ? Array(path) : [slash] + path
        if !target.allSatisfy(Self.isTargetByte) { target = Self.encodeTarget(target) }
        self.target = String(decoding: target, as: UTF8.self)
    }

    /// The URL a `Location` header points to, from this one: absolute, scheme-relative, an
    /// absolute path, or a path relative to this one's folder.
    func resolving(_ location: String) throws(HTTP1Error) -> HTTP1URL {
        let lowered = location.prefix(8).lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") { return try HTTP1URL(location) }
        let base = (secure ? "https://" : "http://") + "\(bracketedHost):\(port)"
        if location.hasPrefix("//") { return try HTTP1URL((secure ? "https:" : "http:") + location) }
        if location.hasPrefix("/") { return try HTTP1URL(base + location) }
        let pathOnly = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let folder = pathOnly[...(pathOnly.lastIndex(of: "/") ?? pathOnly.startIndex)]
        return try HTTP1URL(base + folder + location)
    }

    /// Percent-encodes what a request target cannot carry as it is (`"`, brackets, braces,
    /// non-ASCII...), as browsers and Foundation's URL do; `%` escapes already there are kept.
    private static func encodeTarget(_ target: [UInt8]) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(target.count + 16)
        for byte in target {
            if isTargetByte(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return out
    }

    /// RFC 3986 `pchar`s, `/`, `?`, and `%`.
    private static func isTargetByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"),
            UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="),
            UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "%"):
            return true
        default:
            return false
        }
    }

}

/// Scheme, host and port: what decides whether two requests may share a connection.
struct Origin: Hashable, Sendable {
    var secure: Bool
    var host: String
    var port: Int
}

/// RFC 9110 tokens (methods, header names) and field values.
public enum HTTPSyntax {
    public static func isToken(_ text: String) -> Bool {
        !text.isEmpty && (text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(isTokenByte) } ?? text.utf8.allSatisfy(isTokenByte))
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"),
            UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
            UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Whether two header names are the same, ASCII letters compared without case, byte by byte
    /// (no lowercased copies: this runs for every header of every request and response).
    public static func sameName(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        let inPlace = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                for i in 0..<x.count where !sameLetter(x[i], y[i]) { return false }
                return true
            }
        }
        return (inPlace ?? nil) ?? zip(a.utf8, b.utf8).allSatisfy(sameLetter)
    }

    @inline(__always)
    private static func sameLetter(_ x: UInt8, _ y: UInt8) -> Bool {
        x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= UInt8(ascii: "a") && (x | 0x20) <= UInt8(ascii: "z"))
    }

    /// A value that cannot end the header early: no CR, LF or NUL.
    public static func isFieldValue(_ text: String) -> Bool {
        let valid: (UInt8) -> Bool = { $0 != 0x0D && $0 != 0x0A && $0 != 0 }
        return text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(valid) } ?? text.utf8.allSatisfy(valid)
    }
}
