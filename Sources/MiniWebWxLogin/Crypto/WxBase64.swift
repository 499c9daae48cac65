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
        var text = text
        if Self.containsSpace(text) {
            text = String(text.map { $0 == " " ? "+" : $0 })
        }
        // Foundation refuses bad characters, bad lengths and missing padding, but ignores
        // non-zero leftover bits in the last character: those are checked here.
        guard let data = Data(base64Encoded: text), Self.hasZeroLeftoverBits(text) else { return nil }
        return data
    }

    private static func containsSpace(_ text: String) -> Bool {
        // memchr over the contiguous UTF-8 buffer: `utf8.contains` walks the view a code unit at
        // a time, which showed up at 9% of a decryption's profile.
        text.utf8.withContiguousStorageIfAvailable { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return false }
            return memchr(base, Int32(UInt8(ascii: " ")), buffer.count) != nil
        } ?? text.utf8.contains(UInt8(ascii: " "))
    }

    /// Whether the unused low bits of the last data character are zero (RFC 4648 §3.5).
    private static func hasZeroLeftoverBits(_ text: String) -> Bool {
        let utf8 = text.utf8
        var padding = 0
        var index = utf8.endIndex
        while index > utf8.startIndex {
            let previous = utf8.index(before: index)
            guard utf8[previous] == UInt8(ascii: "=") else { break }
            padding += 1
            index = previous
        }
        guard padding > 0 else { return true }
        guard index > utf8.startIndex, let value = sextet(utf8[utf8.index(before: index)]) else { return false }
        // "==": the last character carries 2 bits of data and 4 unused; "=": 4 and 2.
        let unusedMask: UInt8 = padding == 2 ? 0b1111 : 0b11
        return value & unusedMask == 0
    }

    private static func sextet(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
