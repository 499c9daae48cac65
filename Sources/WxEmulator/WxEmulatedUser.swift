/// A WeChat user as the emulator plays them.
public struct WxEmulatedUser: Codable, Sendable, Hashable {
    /// The openid (per app in real WeChat; the emulator uses one per user).
    public var openID: String
    /// The unionid, or `nil` for an app not bound to an Open Platform account.
    public var unionID: String?
    /// The nickname.
    public var nickName: String
    /// The avatar URL.
    public var avatarUrl: String
    /// 0 unknown, 1 male, 2 female.
    public var gender: Int
    /// The city.
    public var city: String
    /// The province.
    public var province: String
    /// The country.
    public var country: String
    /// The language of the texts.
    public var language: String
    /// The phone number without country code.
    public var phoneNumber: String
    /// The country code of the phone number.
    public var countryCode: String

    /// Creates a user; unspecified fields get plausible values.
    public init(
        openID: String? = nil,
        unionID: String? = nil,
        nickName: String = "微信用户",
        avatarUrl: String = "https://thirdwx.qlogo.cn/mmopen/vi_32/emulated/132",
        gender: Int = 0,
        city: String = "Guangzhou",
        province: String = "Guangdong",
        country: String = "CN",
        language: String = "zh_CN",
        phoneNumber: String = "13800138000",
        countryCode: String = "86"
    ) {
        self.openID = openID ?? WxEmulatedUser.randomID(prefix: "o")
        self.unionID = unionID
        self.nickName = nickName
        self.avatarUrl = avatarUrl
        self.gender = gender
        self.city = city
        self.province = province
        self.country = country
        self.language = language
        self.phoneNumber = phoneNumber
        self.countryCode = countryCode
    }

    /// A WeChat-looking identifier: a prefix and 27 characters of base64url, like real openids.
    static func randomID(prefix: String, length: Int = 27) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
