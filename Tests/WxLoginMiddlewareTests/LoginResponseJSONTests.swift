import Foundation
@testable import LoginService
import MiniWeb
import Testing

/// The login and /user/me bodies are written by hand (JSONObjectWriter); these check them against
/// what `JSONEncoder` makes of the same `Encodable` values.
@Suite("Login response JSON")
struct LoginResponseJSONTests {
    static let users = [
        StoredUser(
            id: 7, appID: "wx1", openID: "oABC-123", unionID: nil, nickName: nil, avatarUrl: nil, gender: nil, city: nil,
            province: nil, country: nil, language: nil, phoneNumber: nil, purePhoneNumber: nil, countryCode: nil, loginCount: 1
        ),
        StoredUser(
            id: 8, appID: "wx1", openID: "o\"quote\\back", unionID: "u/slash", nickName: "你好 😀 e\u{301}\n\t\u{1}",
            avatarUrl: "https://thirdwx.qlogo.cn/mmopen/vi_32/x/132", gender: 2, city: "Guangzhou", province: "Guangdong",
            country: "China", language: "zh_CN", phoneNumber: "+86 138 0000 0000", purePhoneNumber: "13800000000",
            countryCode: "86", loginCount: 3
        ),
    ]

    static func object(_ response: Response) throws -> NSDictionary {
        try #require(JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? NSDictionary)
    }

    @Test("the login answer written by hand decodes to what JSONEncoder writes", arguments: users)
    func login(user: StoredUser) throws {
        let body = LoginResponseBody(token: "header.claims.signature", expiresIn: 604_800, userinfo: UserInfoBody(user))
        let handWritten = body.makeResponse()
        let encoded = try Response.json(body)
        #expect(try Self.object(handWritten) == Self.object(encoded))
        #expect(handWritten.headers["content-type"] == encoded.headers["content-type"])
        #expect(handWritten.status == .ok)
    }

    @Test("the /user/me answer written by hand decodes to what JSONEncoder writes", arguments: users)
    func me(user: StoredUser) throws {
        let body = MeResponseBody(userinfo: UserInfoBody(user))
        #expect(try Self.object(body.makeResponse()) == Self.object(try Response.json(body)))
    }

    @Test("the status answer written by hand decodes to what JSONEncoder writes", arguments: ["ok", "ready", "quote \" and \\ 中文"])
    func status(status: String) throws {
        let body = StatusBody(status: status)
        #expect(try Self.object(body.makeResponse()) == Self.object(try Response.json(body)))
    }
}
