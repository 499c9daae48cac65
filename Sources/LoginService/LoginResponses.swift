import MiniWeb
import MiniWebWxLogin

/// The user as the login routes return them (the Flask tutorial's `userinfo` shape, plus the
/// phone number once shared).
struct UserInfoBody: Encodable, Sendable {
    let openId: String
    let unionId: String?
    let nickName: String?
    let avatarUrl: String?
    let gender: Int?
    let city: String?
    let province: String?
    let country: String?
    let language: String?
    let phoneNumber: String?

    init(_ user: StoredUser) {
        self.openId = user.openID
        self.unionId = user.unionID
        self.nickName = user.nickName
        self.avatarUrl = user.avatarUrl
        self.gender = user.gender
        self.city = user.city
        self.province = user.province
        self.country = user.country
        self.language = user.language
        self.phoneNumber = user.phoneNumber
    }

    /// Writes the members `JSONEncoder` would write, in the same order (nil ones left out).
    func write(to json: inout JSONObjectWriter) {
        json.string("openId", self.openId)
        json.string("unionId", self.unionId)
        json.string("nickName", self.nickName)
        json.string("avatarUrl", self.avatarUrl)
        json.integer("gender", self.gender)
        json.string("city", self.city)
        json.string("province", self.province)
        json.string("country", self.country)
        json.string("language", self.language)
        json.string("phoneNumber", self.phoneNumber)
    }
}

/// `POST /user/wxlogin`'s answer: `{"code":200,"msg":"登录成功","token","expiresIn","userinfo"}`.
struct LoginResponseBody: ResponseEncodable {
    let code = 200
    let msg = "登录成功"
    let token: String
    let expiresIn: Int
    let userinfo: UserInfoBody

    /// Written directly rather than through `JSONEncoder`, which cost about 5% of a login (the
    /// `Encodable` conformance stays, and the tests check that both agree).
    func makeResponse() -> Response {
        var json = JSONObjectWriter()
        json.integer("code", self.code)
        json.string("msg", self.msg)
        json.string("token", self.token)
        json.integer("expiresIn", self.expiresIn)
        json.object("userinfo") { self.userinfo.write(to: &$0) }
        return json.response()
    }
}

/// `GET /user/me`'s answer: `{"code":200,"userinfo":{…}}`.
struct MeResponseBody: ResponseEncodable {
    let code = 200
    let userinfo: UserInfoBody

    /// Written directly, as ``LoginResponseBody`` is.
    func makeResponse() -> Response {
        var json = JSONObjectWriter()
        json.integer("code", self.code)
        json.object("userinfo") { self.userinfo.write(to: &$0) }
        return json.response()
    }
}

/// `POST /user/phone`'s answer: `{"code":200,"phoneInfo":{…}}`.
struct PhoneResponseBody: ResponseEncodable {
    struct PhoneInfo: Encodable, Sendable {
        let phoneNumber: String
        let purePhoneNumber: String
        let countryCode: String
    }
    let code = 200
    let phoneInfo: PhoneInfo
}

/// `{"status": "ok"}` and friends.
struct StatusBody: ResponseEncodable {
    let status: String

    /// Written directly, as ``LoginResponseBody`` is: through `JSONEncoder` this one field took
    /// 6% of a `/healthz` request, which load balancers call often.
    func makeResponse() -> Response {
        var json = JSONObjectWriter()
        json.string("status", self.status)
        return json.response()
    }
}
