/// The user profile of `wx.getUserInfo`'s `encryptedData`.
///
/// Mini programs created since 2021 get a placeholder nickname ("微信用户") and a grey avatar
/// here; the real ones come from the avatar chooser and the nickname input.
public struct WxUserInfo: WxEncryptedPayload, Codable, Hashable {
    /// The user's openid for this app.
    public let openId: String
    /// The user's unionid, when the app is bound to an Open Platform account.
    public let unionId: String?
    /// The nickname.
    public let nickName: String?
    /// The avatar URL.
    public let avatarUrl: String?
    /// 0 unknown, 1 male, 2 female (always 0 for newer mini programs).
    public let gender: Int?
    /// City, province and country as the user set them.
    public let city: String?
    /// The province.
    public let province: String?
    /// The country.
    public let country: String?
    /// The language of those texts, e.g. `zh_CN`.
    public let language: String?
    /// The watermark.
    public let watermark: WxWatermark

    /// Creates a profile (the emulator and tests encrypt these).
    public init(
        openId: String,
        unionId: String? = nil,
        nickName: String? = nil,
        avatarUrl: String? = nil,
        gender: Int? = nil,
        city: String? = nil,
        province: String? = nil,
        country: String? = nil,
        language: String? = nil,
        watermark: WxWatermark
    ) {
        self.openId = openId
        self.unionId = unionId
        self.nickName = nickName
        self.avatarUrl = avatarUrl
        self.gender = gender
        self.city = city
        self.province = province
        self.country = country
        self.language = language
        self.watermark = watermark
    }
}
