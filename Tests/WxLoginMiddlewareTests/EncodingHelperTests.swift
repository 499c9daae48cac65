import Foundation
import JWTKit
import Testing

@testable import MiniWebWxLogin

/// The hand-written encoders on the login path agree with Foundation's.
@Suite("Encoding helpers")
struct EncodingHelperTests {
    @Test("query values: everything but RFC 3986's unreserved characters is percent-encoded, as Foundation does")
    func percentEncoding() {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let samples = ["0a1B-c_d.e~f", "a b+c/d?e&f=g#h%", "你好", "emoji 😀", "", "=&", "\u{0}\u{7F}", "wx1234567890abcdef"]
        for sample in samples {
            #expect(WxAPIClient.percentEncode(sample) == sample.addingPercentEncoding(withAllowedCharacters: unreserved), "\(sample)")
        }
        #expect(WxAPIClient.percentEncode("a b&c") == "a%20b%26c")
    }

    @Test("session ids: 128 random bits as 22 characters of base64url, never repeated")
    func sessionIDs() {
        let ids = (0..<1000).map { _ in LoginTokenSigner.makeSessionID() }
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for id in ids {
            #expect(id.count == 22)
            #expect(id.allSatisfy(alphabet.contains), "\(id)")
        }
        #expect(Set(ids).count == ids.count)
        // Both base64url substitutions occur across 1,000 ids (each character is one of them 1 time in 32).
        #expect(ids.contains { $0.contains("-") } && ids.contains { $0.contains("_") })
    }

    @Test("random bytes: the length asked for, different every time")
    func randomBytes() {
        #expect(WxDataCrypto.randomBytes(0).isEmpty)
        for count in [1, 7, 8, 9, 16, 33] {
            #expect(WxDataCrypto.randomBytes(count).count == count)
        }
        let samples = (0..<100).map { _ in WxDataCrypto.randomBytes(16) }
        #expect(Set(samples).count == samples.count)
        // Every byte position takes many values over 100 draws (a stuck byte would not).
        for position in 0..<16 {
            #expect(Set(samples.map { $0[position] }).count > 40, "byte \(position)")
        }
    }

    @Test(
        "token claims written by hand decode to exactly what JSONEncoder's output decodes to",
        arguments: [
            ("42", "oABC-123_xyz", "uXYZ" as String?, ["wx0123456789abcdef"]),
            ("0", "quote \" backslash \\ slash / tab \t newline \n", nil, ["wx-app"]),
            ("\u{1}\u{1F}\u{7F}", "你好 😀 e\u{301}", "", ["a", "b \"c\""]),
            ("", "", nil, []),
        ]
    )
    func claimsJSON(sub: String, openID: String, unionID: String?, audience: [String]) throws {
        let claims = LoginTokenClaims(
            sub: SubjectClaim(value: sub),
            aud: AudienceClaim(value: audience),
            iss: IssuerClaim(value: "miniweb"),
            iat: IssuedAtClaim(value: Date(timeIntervalSince1970: 1_764_115_200)),
            exp: ExpirationClaim(value: Date(timeIntervalSince1970: 1_764_720_000)),
            sid: "s/i+d=",
            openid: openID,
            unionid: unionID
        )
        let handWritten = try #require(LoginTokenJSONEncoder.json(claims))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        #expect(try decoder.decode(LoginTokenClaims.self, from: handWritten) == claims)
        let foundation = try (JSONEncoder.defaultForJWT as any JWTJSONEncoder).encode(claims)
        #expect(try JSONSerialization.jsonObject(with: handWritten) as? NSDictionary == JSONSerialization.jsonObject(with: foundation) as? NSDictionary)
        #expect(try LoginTokenJSONEncoder().encode(claims) == handWritten)
    }

    @Test("fractional dates and non-string header fields go through JSONEncoder; string headers are written by hand")
    func fallbacks() throws {
        let fractional = LoginTokenClaims(
            sub: SubjectClaim(value: "1"),
            aud: AudienceClaim(value: "wx"),
            iss: IssuerClaim(value: "miniweb"),
            iat: IssuedAtClaim(value: Date(timeIntervalSince1970: 1_764_115_200.5)),
            exp: ExpirationClaim(value: Date(timeIntervalSince1970: 1_764_720_000)),
            sid: "s",
            openid: "o",
            unionid: nil
        )
        #expect(LoginTokenJSONEncoder.json(fractional) == nil)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        #expect(try decoder.decode(LoginTokenClaims.self, from: LoginTokenJSONEncoder().encode(fractional)) == fractional)

        let header: JWTHeader = ["alg": .string("HS256"), "typ": .string("JWT"), "kid": .string("k\"1")]
        #expect(try LoginTokenJSONEncoder().encode(header) == Data(#"{"alg":"HS256","kid":"k\"1","typ":"JWT"}"#.utf8))
        let mixed: JWTHeader = ["alg": .string("HS256"), "crit": .array([.string("b64")]), "n": .int(1)]
        #expect(LoginTokenJSONEncoder.json(mixed) == nil)
        let decoded = try JSONDecoder().decode(JWTHeader.self, from: LoginTokenJSONEncoder().encode(mixed))
        #expect(decoded.fields == mixed.fields)
    }

    @Test("issued tokens carry the hand-written header and claims, and verify")
    func issuedTokens() async throws {
        let signer = await LoginTokenSigner(keys: [LoginTokenKey(id: "k1", bytes: Array(repeating: UInt8(7), count: 32))], audience: "wxapp")
        let second = Date().timeIntervalSince1970.rounded(.down)
        let issued = try await signer.issue(userID: "9", openID: #"o"1"#, unionID: nil, now: Date(timeIntervalSince1970: second + 0.7))
        let parts = issued.token.split(separator: ".")
        #expect(parts.count == 3)
        // JSONEncoder would write the header's keys in dictionary order; ours are sorted.
        #expect(Data(base64URLEncoded: parts[0]) == Data(#"{"alg":"HS256","kid":"k1","typ":"JWT"}"#.utf8))
        let claims = try await signer.verify(issued.token)
        #expect(Data(base64URLEncoded: parts[1]) == LoginTokenJSONEncoder.json(claims))
        #expect(claims.openid == #"o"1"#)
        #expect(claims.iat.value == Date(timeIntervalSince1970: second))
    }
}
