import CLua
import SignatureCrypto
import LuaShims
import Telnyx

/// `telnyx._crypto`: the primitives the bundled `telnyx.webhooks` module needs, which Lua cannot
/// compute itself. Internal (the underscore): scripts use `require "telnyx.webhooks"`.
///
/// - `ed25519_verify(public_key, signature, message) -> boolean`: the key is 32 raw bytes or
///   their base64; the signature is 64 raw bytes or their base64; the message is bytes.
///   Malformed keys or signatures raise an error naming the argument.
/// - `base64_decode(text) -> bytes | nil, reason` (standard alphabet, padding optional).
/// - `base64_encode(bytes) -> text`.
enum CryptoLibrary {
    /// Adds the `_crypto` table to the table on top of the stack (the `telnyx` table).
    static func install(into lua: Lua) {
        lua.newTable()
        lua.push(function: ed25519Verify)
        lua.setField(-2, "ed25519_verify")
        lua.push(function: base64Decode)
        lua.setField(-2, "base64_decode")
        lua.push(function: base64Encode)
        lua.setField(-2, "base64_encode")
        lua.setField(-2, "_crypto")
    }

    private static func bytes(_ lua: Lua, _ n: Int32, _ what: String) throws -> [UInt8] {
        guard lua.type(at: n) == LUA_TSTRING, let buffer = lua.toBytes(n) else {
            throw lua.argumentError(n, "\(what): string expected, got \(lua.typeName(at: n))")
        }
        return Array(buffer)
    }

    /// Raw bytes of exactly `length`, or the base64 of such bytes.
    private static func rawOrBase64(_ lua: Lua, _ n: Int32, _ what: String, length: Int) throws -> [UInt8] {
        let raw = try bytes(lua, n, what)
        if raw.count == length { return raw }
        guard let decoded = Base64.decode(raw) else {
            throw lua.argumentError(n, "\(what) is neither \(length) raw bytes nor valid base64")
        }
        guard decoded.count == length else {
            throw lua.argumentError(n, "\(what) decodes to \(decoded.count) bytes; Ed25519 needs \(length)")
        }
        return decoded
    }

    private static func ed25519Verify(_ lua: Lua) throws -> Int32 {
        let key = try rawOrBase64(lua, 1, "public key", length: 32)
        let signature = try rawOrBase64(lua, 2, "signature", length: 64)
        let message = try bytes(lua, 3, "message")
        lua.push(Ed25519.verify(signature, of: message, publicKey: key))
        return 1
    }

    private static func base64Decode(_ lua: Lua) throws -> Int32 {
        let raw = try bytes(lua, 1, "text")
        guard let decoded = Base64.decode(raw) else {
            lua.pushNil()
            lua.push("not valid base64")
            return 2
        }
        lua.push(bytes: decoded)
        return 1
    }

    private static func base64Encode(_ lua: Lua) throws -> Int32 {
        let raw = try bytes(lua, 1, "bytes")
        lua.push(Base64.encode(raw))
        return 1
    }
}
