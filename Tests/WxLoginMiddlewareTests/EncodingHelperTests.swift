import Foundation
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
}
