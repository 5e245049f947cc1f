// The BoringSSL that swift-nio-ssl already links for TLS: its Ed25519 and SHA-256 serve the
// webhook signatures too, where swift-crypto would bring a second BoringSSL and, through its
// Data-based API, Foundation (8 MB of the binary together; docs/benchmarks.md).
// CNIOBoringSSL is swift-nio-ssl's own module, not its public API: a new swift-nio-ssl that
// renamed it would fail this file's build, not misbehave. Tests check these functions against
// swift-crypto and RFC 8032's vectors.
import CNIOBoringSSL

/// Ed25519 (RFC 8032) signatures: what Telnyx signs webhooks with.
public enum Ed25519 {
    /// The 32-byte public key of a 32-byte private key (the seed).
    public static func publicKey(seed: [UInt8]) -> [UInt8] {
        precondition(seed.count == 32, "an Ed25519 private key is 32 bytes")
        var publicKey = [UInt8](repeating: 0, count: 32)
        var expanded = [UInt8](repeating: 0, count: 64)
        ED25519_keypair_from_seed(&publicKey, &expanded, seed)
        return publicKey
    }

    /// The 64-byte signature of `message` by the key of `seed`.
    public static func sign(_ message: [UInt8], seed: [UInt8]) -> [UInt8] {
        precondition(seed.count == 32, "an Ed25519 private key is 32 bytes")
        var publicKey = [UInt8](repeating: 0, count: 32)
        var expanded = [UInt8](repeating: 0, count: 64)
        ED25519_keypair_from_seed(&publicKey, &expanded, seed)
        var signature = [UInt8](repeating: 0, count: 64)
        _ = ED25519_sign(&signature, message, message.count, expanded)
        return signature
    }

    /// Whether `signature` is `publicKey`'s signature of `message`; false for any wrong length.
    public static func verify(_ signature: [UInt8], of message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == 64, publicKey.count == 32 else { return false }
        return ED25519_verify(message, message.count, signature, publicKey) == 1
    }
}

/// SHA-256 (FIPS 180-4).
public enum SHA256 {
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        _ = CNIOBoringSSL.SHA256(bytes, bytes.count, &digest)
        return digest
    }
}
