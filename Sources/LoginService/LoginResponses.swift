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
}

/// `POST /user/wxlogin`'s answer: `{"code":200,"msg":"登录成功","token","expiresIn","userinfo"}`.
struct LoginResponseBody: ResponseEncodable {
    let code = 200
    let msg = "登录成功"
    let token: String
    let expiresIn: Int
    let userinfo: UserInfoBody
}

/// `GET /user/me`'s answer: `{"code":200,"userinfo":{…}}`.
struct MeResponseBody: ResponseEncodable {
    let code = 200
    let userinfo: UserInfoBody
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
}
