import SignatureCrypto
import Telnyx

/// Checks a request the way Telnyx signs it: Ed25519 over `telnyx-timestamp + "|" + raw body`,
/// the signature in `telnyx-signature-ed25519` (base64), the Unix time in `telnyx-timestamp`,
/// which must be within the tolerance of now (so a captured delivery cannot be replayed later).
public struct SignatureVerifier: Sendable {
    public static let signatureHeader = "telnyx-signature-ed25519"
    public static let timestampHeader = "telnyx-timestamp"

    /// Why a request was refused; `reason` is what the 401 and the log line say.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let code: String
        public let reason: String
        public var description: String { reason }
    }

    /// The key's 32 raw bytes.
    private let keyBytes: [UInt8]
    private let tolerance: Double

    /// A verifier for `publicKey` (32 raw bytes); throws when the bytes are not an Ed25519 key,
    /// or are a point of small order, for which one forged signature verifies any message.
    public init(publicKey: [UInt8], tolerance: Double = 300) throws {
        guard publicKey.count == 32 else {
            throw Refusal(code: "bad_key", reason: "an Ed25519 public key is 32 bytes, not \(publicKey.count)")
        }
        if Self.isSmallOrder(publicKey) || Self.acceptsForgery(publicKey) {
            throw Refusal(code: "weak_key", reason: "the public key is a point of small order, for which signatures can be forged")
        }
        keyBytes = publicKey
        self.tolerance = tolerance
    }

    /// The encodings of the points of small order (libsodium's list), the sign bit ignored.
    private static let smallOrder: [[UInt8]] = [
        [0x00] + Array(repeating: 0, count: 31),
        [0x01] + Array(repeating: 0, count: 31),
        [0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
         0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05],
        [0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
         0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a],
        [0xec] + Array(repeating: 0xff, count: 30) + [0x7f],
        [0xed] + Array(repeating: 0xff, count: 30) + [0x7f],
        [0xee] + Array(repeating: 0xff, count: 30) + [0x7f],
    ]

    private static func isSmallOrder(_ key: [UInt8]) -> Bool {
        var masked = key
        masked[31] &= 0x7f
        return smallOrder.contains(masked)
    }

    /// Whether the signature (R = the identity, S = 0) verifies any of 64 fixed messages: it
    /// does for a small-order key on one message in eight at least; never for a sound key.
    private static func acceptsForgery(_ key: [UInt8]) -> Bool {
        let forged = [UInt8]([0x01] + Array(repeating: 0, count: 63))
        return (0..<64).contains { Ed25519.verify(forged, of: Array("telnyx-lua key check \($0)".utf8), publicKey: key) }
    }

    /// A public key as Telnyx shows it (base64 of 32 bytes), or nil with what is wrong.
    public static func decodePublicKey(_ text: String) -> Result<[UInt8], Refusal> {
        guard let data = Base64.decode(text.utf8) else {
            return .failure(Refusal(code: "bad_key", reason: "the public key is not base64"))
        }
        guard data.count == 32 else {
            return .failure(Refusal(code: "bad_key", reason: "the public key decodes to \(data.count) bytes; Ed25519 needs 32"))
        }
        return .success(Array(data))
    }

    /// Verifies `body` against the signature headers (`header(name)` reads one, any case).
    /// `now` is the current Unix time.
    public func verify(body: [UInt8], header: (String) -> String?, now: Double = RetryPolicy.currentUnixTime()) -> Refusal? {
        guard let signatureText = header(Self.signatureHeader), !signatureText.isEmpty else {
            return Refusal(code: "missing_signature", reason: "missing header \(Self.signatureHeader)")
        }
        guard let timestamp = header(Self.timestampHeader), !timestamp.isEmpty else {
            return Refusal(code: "missing_timestamp", reason: "missing header \(Self.timestampHeader)")
        }
        guard timestamp.utf8.count <= 12, timestamp.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let seconds = Double(timestamp) else {
            return Refusal(code: "bad_timestamp", reason: "\(Self.timestampHeader) is not a Unix time")
        }
        let age = now - seconds
        if abs(age) > tolerance {
            let when = age > 0 ? "\(Int(age)) s old" : "\(Int(-age)) s in the future"
            return Refusal(code: "stale_timestamp", reason: "timestamp is \(when); tolerance is \(Int(tolerance)) s")
        }
        guard signatureText.utf8.count <= 200, let signature = Base64.decode(signatureText.utf8), signature.count == 64 else {
            return Refusal(code: "bad_signature", reason: "\(Self.signatureHeader) is not the base64 of a 64-byte signature")
        }
        var message = Array(timestamp.utf8)
        message.append(UInt8(ascii: "|"))
        message.append(contentsOf: body)
        guard Ed25519.verify(signature, of: message, publicKey: keyBytes) else {
            return Refusal(code: "bad_signature", reason: "signature does not match (body or timestamp altered, or another key)")
        }
        return nil
    }
}
