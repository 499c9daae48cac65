import Crypto
import Foundation

/// A key that signs login tokens (HMAC-SHA256), with the id that names it in a token's `kid`.
///
/// Rotation: give ``LoginTokenSigner`` the new key first and the old ones after it. New tokens are
/// signed with the first; tokens signed with the others keep working until those keys are removed
/// (retired).
public struct LoginTokenKey: Sendable {
    /// The key id (`kid`).
    public let id: String
    let bytes: SymmetricKey

    /// Creates a key from raw bytes (at least 32).
    /// - Parameters:
    ///   - id: The key id.
    ///   - bytes: The key material.
    public init(id: String, bytes: some DataProtocol) {
        precondition(bytes.count >= 32, "a login token key needs at least 32 bytes")
        self.id = id
        self.bytes = SymmetricKey(data: Data(bytes))
    }

    /// The key material (for tests and for other services that verify tokens).
    public var rawBytes: Data {
        self.bytes.withUnsafeBytes { Data($0) }
    }

    /// Derives a key from a secret text (e.g. `SESSION_SECRET`) with HKDF-SHA256. The key id is a
    /// fingerprint of the derived key, so the same secret gives the same id on every instance and
    /// the id reveals nothing of the secret.
    /// - Parameter secret: The secret; at least 16 characters.
    /// - Returns: The key.
    public static func derived(fromSecret secret: String) -> LoginTokenKey {
        let material = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Data(secret.utf8)),
            salt: Data("miniweb.login-token.v1".utf8),
            info: Data("hmac-sha256 signing key".utf8),
            outputByteCount: 32
        )
        let bytes = material.withUnsafeBytes { Data($0) }
        let fingerprint = SHA256.hash(data: bytes + Data("kid".utf8)).prefix(6).hexString
        return LoginTokenKey(id: fingerprint, bytes: bytes)
    }
}
