import Testing

@testable import MiniWebWxLogin

/// The key of the verified-token cache hashes the signature end of a token only, so equality
/// must still compare all of it.
@Suite("Verified-token cache key")
struct VerifiedTokenKeyTests {
    let token = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLWJ5dGVzLW9mLWFuLWhzMjU2LXRva2VuLTQzYw"

    @Test("a token equals itself, wherever it was cut from, and hashes alike")
    func sameToken() {
        let header = "Bearer " + self.token
        let fromHeader = VerifiedTokenKey(header.dropFirst(7))
        let alone = VerifiedTokenKey(self.token[...])
        #expect(fromHeader == alone)
        #expect(fromHeader.hashValue == alone.hashValue)
        let cache = [alone: 1]
        #expect(cache[fromHeader] == 1)
    }

    @Test("a token that differs anywhere, or in length, is another key, even with the same signature end")
    func otherTokens() {
        var changed = Array(self.token.utf8)
        changed[3] = UInt8(ascii: "X")
        let samesuffix = VerifiedTokenKey(String(decoding: changed, as: UTF8.self)[...])
        let original = VerifiedTokenKey(self.token[...])
        #expect(samesuffix.hashValue == original.hashValue)
        #expect(samesuffix != original)
        #expect(VerifiedTokenKey(self.token.dropFirst()) != original)
        #expect(VerifiedTokenKey(self.token.dropLast()) != original)
        let cache = [original: 1]
        #expect(cache[samesuffix] == nil)
    }

    @Test("constant-time comparison of strings and substrings")
    func constantTime() {
        #expect(WxSignature.constantTimeEquals("abc", "abc"))
        #expect(!WxSignature.constantTimeEquals("abc", "abd"))
        #expect(!WxSignature.constantTimeEquals("abc", "abcd"))
        #expect(WxSignature.constantTimeEquals("", ""))
        #expect(WxSignature.constantTimeEquals("xabc".dropFirst(), "abc"[...]))
    }
}
