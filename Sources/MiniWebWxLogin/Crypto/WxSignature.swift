import Crypto
import Foundation

/// The signatures of WeChat's login protocol.
public enum WxSignature {
    /// The signature of `rawData` as the mini program's `wx.getUserInfo` returns it:
    /// lowercase hex of SHA-1 over `rawData` followed by the session key's base64 text.
    /// - Parameters:
    ///   - rawData: The `rawData` string, exactly as received.
    ///   - sessionKey: The session key (base64 text).
    /// - Returns: 40 lowercase hex digits.
    public static func rawDataSignature(rawData: String, sessionKey: String) -> String {
        var hash = Insecure.SHA1()
        hash.update(data: Data(rawData.utf8))
        hash.update(data: Data(sessionKey.utf8))
        return hash.finalize().hexString
    }

    /// Checks a `rawData` signature in constant time.
    /// - Parameters:
    ///   - rawData: The `rawData` string.
    ///   - signature: The signature the client sent (hex; case-insensitive).
    ///   - sessionKey: The session key from `code2Session`.
    /// - Returns: Whether the signature matches.
    public static func isValidRawDataSignature(_ signature: String, rawData: String, sessionKey: String) -> Bool {
        constantTimeEquals(rawDataSignature(rawData: rawData, sessionKey: sessionKey), signature.lowercased())
    }

    /// The login-state signature of `checksession` and `resetusersessionkey`: lowercase hex of
    /// HMAC-SHA256 whose key is the session key's base64 **text** (its UTF-8 bytes, not the
    /// decoded bytes) over `message` (empty for those two endpoints).
    /// - Parameters:
    ///   - sessionKey: The session key (base64 text).
    ///   - message: The signed message.
    /// - Returns: 64 lowercase hex digits.
    public static func sessionSignature(sessionKey: String, message: String = "") -> String {
        let key = SymmetricKey(data: Data(sessionKey.utf8))
        return HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key).hexString
    }

    /// Compares two strings in time that depends only on their lengths (for signatures, whose
    /// length is public).
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        Self.constantTimeEquals(lhs[...], rhs[...])
    }

    /// The same for substrings, without copying them (the token cache compares tokens in place).
    static func constantTimeEquals(_ lhs: Substring, _ rhs: Substring) -> Bool {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                guard left.count == right.count else { return false }
                var difference: UInt8 = 0
                for index in 0..<left.count {
                    difference |= left[index] ^ right[index]
                }
                return difference == 0
            }
        }
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hex.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
