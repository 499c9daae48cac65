import Foundation

/// Strict base64 for WeChat's `session_key`, `iv` and `encryptedData`.
///
/// Only canonical standard base64 is accepted: the standard alphabet, `=` padding to a multiple
/// of four, and zero bits in the unused part of the last character (so that one byte string has
/// exactly one accepted text). The single repair: spaces become `+`. Base64 has no spaces, and a
/// `+` that travelled unescaped through a form or a query string arrives as a space — one of the
/// most common causes of "decrypt failed" reports.
enum WxBase64 {
    /// Decodes `text`, or returns `nil` when it is not canonical base64 (after the space repair).
    static func decode(_ text: String) -> Data? {
        let repaired = text.utf8.contains(UInt8(ascii: " ")) ? String(text.map { $0 == " " ? "+" : $0 }) : text
        guard let data = Data(base64Encoded: repaired) else { return nil }
        // Foundation ignores non-zero leftover bits; re-encoding tells canonical text apart.
        guard data.base64EncodedString() == repaired else { return nil }
        return data
    }
}
