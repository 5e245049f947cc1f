import Logging

/// Removes secrets (the API key, OAuth client secret and access tokens) from anything the client
/// prints: log lines, error messages, `description`s. It works on values, not on header names
/// alone, because a server may echo a key back inside an error body.
public struct Redactor: Sendable {
    /// What every secret is replaced by.
    public static let mask = "[REDACTED]"
    /// Header names whose values are never shown, whatever they contain.
    static let secretHeaders: Set<String> = ["authorization", "proxy-authorization", "x-api-key", "cookie", "set-cookie"]

    private let secrets: [String]

    /// A redactor for these secret values, and for the escaped and percent-encoded forms of
    /// each (`SecretForms`); empty and very short strings are ignored so that redacting them
    /// cannot mangle ordinary text.
    public init(secrets: [String?]) {
        // Longest first, so a secret that contains another is masked whole.
        // Each secret also in the forms other layers quote it in (escaped, percent-encoded).
        let forms = secrets.compactMap { $0 }.filter { $0.count >= 4 }.flatMap(SecretForms.of)
        self.secrets = Set(forms.filter { $0.count >= 4 }).sorted { $0.count > $1.count }
    }

    /// The text with every occurrence of a secret masked.
    public func redact(_ text: String) -> String {
        var out = text
        for secret in secrets where out.contains(text: secret) {
            out = out.replacingAll(secret, with: Redactor.mask)
        }
        return out
    }

    /// A header value as it may be shown: masked entirely for credential headers.
    public func redactHeader(name: String, value: String) -> String {
        if Redactor.secretHeaders.contains(name.lowercased()) {
            // Keep the scheme ("Bearer"), which helps debugging and reveals nothing.
            if let space = value.firstIndex(of: " ") { return "\(value[..<space]) \(Redactor.mask)" }
            return Redactor.mask
        }
        return redact(value)
    }

    /// A JSON value with secrets masked in every string, and in every value under a key that
    /// names a secret (`access_token`, `client_secret`, `api_key`, `password`).
    public func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(redact(text))
        case .array(let items): return .array(items.map(redact))
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members {
                out[redact(key)] = Redactor.secretKeys.contains(key.lowercased()) && !member.isNull
                    ? .string(Redactor.mask) : redact(member)
            }
            return .object(out)
        default: return value
        }
    }

    static let secretKeys: Set<String> = ["access_token", "refresh_token", "client_secret", "api_key", "password", "token"]
}

extension String {
    /// Replaces every occurrence of `target` (non-empty) without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        let source = Array(utf8)
        let pattern = Array(target.utf8)
        guard !pattern.isEmpty, source.count >= pattern.count else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(source.count)
        var i = 0
        while i < source.count {
            if i + pattern.count <= source.count, source[i] == pattern[0],
                source[i..<(i + pattern.count)].elementsEqual(pattern)
            {
                out.append(contentsOf: replacement.utf8)
                i += pattern.count
            } else {
                out.append(source[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Setting up request logging. The client logs through swift-log; `TELNYX_LOG=info` logs one line
/// per attempt (method, URL, status, attempt, elapsed), `TELNYX_LOG=debug` adds redacted headers
/// and bodies.
public enum TelnyxLogging {
    /// The label of the client's logger.
    public static let label = "telnyx"

    /// The level `TELNYX_LOG` asks for (`info`, `debug`, `trace`, ...), or nil when it is unset or
    /// unknown: logging then stays off.
    public static func level(fromEnvironment value: String?) -> Logger.Level? {
        guard let value, !value.isEmpty else { return nil }
        return Logger.Level(rawValue: value.lowercased())
    }

    /// A logger writing to stderr at `level`, without touching the process-wide `LoggingSystem`
    /// (which can be bootstrapped only once, and belongs to the program, not to a library).
    public static func stderrLogger(level: Logger.Level) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level
        return logger
    }

    /// A logger that drops everything, used when `TELNYX_LOG` is unset.
    public static var disabled: Logger {
        Logger(label: label) { _ in SwiftLogNoOpLogHandler() }
    }

    /// Renders body bytes for a debug log: UTF-8 text (redacted, cut at 4 KiB) or a byte count.
    static func describeBody(_ bytes: [UInt8], redactor: Redactor) -> String {
        if bytes.isEmpty { return "(empty)" }
        let head = bytes.prefix(4096)
        guard let text = String(validating: head, as: UTF8.self) else {
            return "(\(bytes.count) bytes of binary data)"
        }
        let suffix = bytes.count > head.count ? "... (\(bytes.count) bytes)" : ""
        return redactor.redact(text) + suffix
    }
}
