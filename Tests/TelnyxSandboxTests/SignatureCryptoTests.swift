import Crypto
import SignatureCrypto
import Testing

/// The signatures the sandbox sends and `serve` checks, from the BoringSSL swift-nio-ssl links:
/// RFC 8032's test vectors, and agreement with swift-crypto on random keys and messages.
@Suite struct SignatureCryptoTests {
    private func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test func rfc8032Vectors() {
        let vectors = [
            ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
             "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
             "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
            ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
             "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
             "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        ]
        for (seed, publicKey, message, signature) in vectors {
            #expect(Ed25519.publicKey(seed: hex(seed)) == hex(publicKey))
            #expect(Ed25519.sign(hex(message), seed: hex(seed)) == hex(signature))
            #expect(Ed25519.verify(hex(signature), of: hex(message), publicKey: hex(publicKey)))
            var altered = hex(signature)
            altered[10] ^= 1
            #expect(!Ed25519.verify(altered, of: hex(message), publicKey: hex(publicKey)))
            #expect(!Ed25519.verify(hex(signature), of: hex(message) + [0], publicKey: hex(publicKey)))
        }
        #expect(!Ed25519.verify([1, 2, 3], of: [], publicKey: hex(vectors[0].1)), "a short signature")
        #expect(!Ed25519.verify(hex(vectors[0].3), of: [], publicKey: [1, 2]), "a short key")
        #expect(SHA256.hash(Array("abc".utf8)) == hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
    }

    @Test func agreesWithSwiftCrypto() throws {
        for round in 0..<50 {
            let key = Curve25519.Signing.PrivateKey()
            let seed = Array(key.rawRepresentation)
            let message = (0..<(round * 7)).map { _ in UInt8.random(in: 0...255) }
            #expect(Ed25519.publicKey(seed: seed) == Array(key.publicKey.rawRepresentation))
            let ours = Ed25519.sign(message, seed: seed)
            #expect(key.publicKey.isValidSignature(ours, for: message))
            #expect(Ed25519.verify(Array(try key.signature(for: message)), of: message, publicKey: Ed25519.publicKey(seed: seed)))
            #expect(SHA256.hash(message) == Array(Crypto.SHA256.hash(data: message)))
        }
    }
}
