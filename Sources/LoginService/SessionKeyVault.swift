import Crypto
import Foundation

/// Encrypts session keys at rest (AES-256-GCM) with a key derived from the signing secret.
///
/// A stored value is `v1.<key id>.<base64 of nonce + ciphertext + tag>`; the key id lets a
/// rotated secret keep decrypting what older secrets encrypted, as long as they are configured.
public struct SessionKeyVault: Sendable {
    private struct Key: Sendable {
        let id: String
        let key: SymmetricKey
    }

    private let keys: [Key]

    /// Creates a vault.
    /// - Parameter secrets: The signing secrets, newest first: the first encrypts, all decrypt.
    public init(secrets: [String]) {
        precondition(!secrets.isEmpty, "SessionKeyVault needs a secret")
        self.keys = secrets.map { secret in
            let key = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: Data(secret.utf8)),
                salt: Data("miniweb.session-key-vault.v1".utf8),
                info: Data("aes-256-gcm".utf8),
                outputByteCount: 32
            )
            let id = key.withUnsafeBytes { Data(SHA256.hash(data: Data($0) + Data("id".utf8)).prefix(4)) }.base64EncodedString()
                .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "+", with: "-")
            return Key(id: id, key: key)
        }
    }

    /// Encrypts a session key.
    /// - Throws: When encryption fails (it does not, for valid input).
    public func seal(_ sessionKey: String) throws -> String {
        let key = self.keys[0]
        let box = try AES.GCM.seal(Data(sessionKey.utf8), using: key.key, authenticating: Data(key.id.utf8))
        guard let combined = box.combined else { throw SessionKeyVaultError.cannotSeal }
        return "v1.\(key.id).\(combined.base64EncodedString())"
    }

    /// Decrypts a stored session key.
    /// - Throws: ``SessionKeyVaultError/cannotOpen`` when it was encrypted with a key no longer
    ///   configured, or was tampered with.
    public func open(_ stored: String) throws -> String {
        let parts = stored.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "v1", let key = self.keys.first(where: { $0.id == parts[1] }),
            let combined = Data(base64Encoded: parts[2]),
            let box = try? AES.GCM.SealedBox(combined: combined),
            let plaintext = try? AES.GCM.open(box, using: key.key, authenticating: Data(key.id.utf8))
        else {
            throw SessionKeyVaultError.cannotOpen
        }
        return String(decoding: plaintext, as: UTF8.self)
    }
}

/// A stored session key could not be used.
public enum SessionKeyVaultError: Error, Sendable {
    /// Sealing failed.
    case cannotSeal
    /// The stored value is damaged or sealed with a key that is no longer configured.
    case cannotOpen
}
