/// A key of the signer's cache of verified tokens.
///
/// It hashes only the token's last 32 bytes, which are signature bytes (an HS256 signature is 43
/// base64url characters): `String`'s hash read all of a 250-byte token on every authenticated
/// request. Equality compares every byte, in constant time (a token is a bearer secret, and
/// `String`'s comparison stops at the first difference), so a token that shares the suffix of a
/// cached one is only a collision, never a match. It holds a `Substring`, so that a lookup needs
/// no copy of the token out of the `Authorization` header.
struct VerifiedTokenKey: Hashable, Sendable {
    let token: Substring

    init(_ token: Substring) {
        self.token = token
    }

    func hash(into hasher: inout Hasher) {
        var token = self.token
        token.withUTF8 { bytes in
            hasher.combine(bytes.count)
            hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes.suffix(32))))
        }
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        WxSignature.constantTimeEquals(lhs.token, rhs.token)
    }
}
