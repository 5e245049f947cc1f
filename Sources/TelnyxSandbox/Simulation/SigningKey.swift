import SignatureCrypto
import Telnyx

/// The sandbox's Ed25519 key pair, derived from `--seed` so that a run's public key (and every
/// signature) repeats. Every outgoing request (webhooks, TeXML fetches and callbacks) is signed
/// the way Telnyx signs: `telnyx-signature-ed25519` is the base64 of the 64-byte signature over
/// the bytes `timestamp + "|" + body`, and `telnyx-timestamp` is the Unix time in seconds.
/// `telnyx-lua serve --sandbox` verifies with the key from `GET /__sandbox/public_key`.
struct SigningKey: Sendable {
    /// The private key: 32 raw bytes (any 32 bytes make a valid Ed25519 private key).
    private let raw: [UInt8]

    /// The key of `seed`: SHA-256 of a fixed label and the seed's 8 bytes, as the raw key.
    init(seed: UInt64) {
        var material = Array("telnyx-sandbox ed25519 signing key".utf8)
        withUnsafeBytes(of: seed.littleEndian) { material.append(contentsOf: $0) }
        raw = SHA256.hash(material)
    }

    /// Base64 of the 32 raw bytes of the public key (what `/__sandbox/public_key` serves).
    var publicKeyBase64: String { Base64.encode(Ed25519.publicKey(seed: raw)) }

    /// The two signature headers for `body` sent at `timestamp` (Unix seconds).
    func headers(body: [UInt8], timestamp: Int64) -> [(String, String)] {
        var signed = Array(String(timestamp).utf8)
        signed.append(UInt8(ascii: "|"))
        signed.append(contentsOf: body)
        let signature = Ed25519.sign(signed, seed: raw)
        return [("telnyx-signature-ed25519", Base64.encode(signature)), ("telnyx-timestamp", String(timestamp))]
    }
}
