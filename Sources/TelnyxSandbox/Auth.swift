import NIOConcurrencyHelpers
import Telnyx

/// Bearer-token checking and the OAuth client-credentials token endpoint.
///
/// With no API key configured any non-empty bearer token passes (what a test wants); with one,
/// only it and the tokens `/oauth/token` issued pass.
final class Auth: Sendable {
    private let apiKey: String?
    private let issued = NIOLockedValueBox<Set<String>>([])
    private let counter = NIOLockedValueBox<UInt64>(0)
    private let seed: UInt64

    init(apiKey: String?, seed: UInt64) {
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.seed = seed
    }

    /// Nil when the request may proceed, else the 401 to send.
    func check(_ request: IncomingRequest) -> Reply? {
        guard let header = request.header("authorization") else {
            return Self.unauthorized("Authorization header missing: send 'Authorization: Bearer <API key>'.")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return Self.unauthorized("The Authorization header must be 'Bearer <API key>'.")
        }
        let token = parts[1].trimmingSpaces
        guard !token.isEmpty else { return Self.unauthorized("The bearer token is empty.") }
        if let apiKey, token != apiKey, !issued.withLockedValue({ $0.contains(token) }) {
            return Self.unauthorized("The API key is not valid.")
        }
        return nil
    }

    /// Answers `POST /oauth/token`: a client_credentials grant (form or JSON body) gets a token.
    func token(_ request: IncomingRequest) -> Reply {
        let text = String(decoding: request.body, as: UTF8.self)
        var grant: String?
        if let json = try? JSONValue.parse(request.body), case .object = json {
            grant = json["grant_type"]?.stringValue
        } else {
            grant = QueryString(Substring(text))["grant_type"]
        }
        guard grant == "client_credentials" else {
            return .error(400, code: "10015", title: "Invalid grant",
                          detail: "grant_type must be client_credentials", source: ["pointer": "/grant_type"])
        }
        let n = counter.withLockedValue { value -> UInt64 in
            value += 1
            return value
        }
        let h = stableHash(seed, "oauth", String(n))
        let token = "sandbox_" + hex(h, width: 16) + hex(SplitMix(h).peek, width: 16)
        issued.withLockedValue { _ = $0.insert(token) }
        return .json(200, ["access_token": .string(token), "token_type": "Bearer", "expires_in": 3600, "scope": ""])
    }

    private static func unauthorized(_ detail: String) -> Reply {
        var reply = Reply.error(401, code: "10009", title: "Authentication failed", detail: detail)
        reply.extraHeaders = [("www-authenticate", "Bearer")]
        return reply
    }
}

extension SplitMix {
    /// The next value without advancing (for one-off derived values).
    var peek: UInt64 {
        var copy = self
        return copy.next()
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
