/// What the emulated mini program has after `wx.login`, `wx.getUserInfo` and a phone-number
/// button: everything a real client would post to the app's server.
public struct WxDeviceLogin: Codable, Sendable {
    /// The login code for `jscode2session`: valid once, for the emulator's code lifetime.
    public let code: String
    /// `wx.getUserInfo`'s `encryptedData`, encrypted with the session key that `code` yields.
    public let encryptedData: String
    /// The IV of `encryptedData`.
    public let iv: String
    /// `wx.getUserInfo`'s `rawData`: the public profile as JSON text.
    public let rawData: String
    /// `sha1(rawData + session_key)` in hex.
    public let signature: String
    /// The code of the phone-number button, for `getuserphonenumber`.
    public let phoneCode: String
    /// The phone number as older `getPhoneNumber` `encryptedData`, with the same session key.
    public let phoneEncryptedData: String
    /// The IV of `phoneEncryptedData`.
    public let phoneIv: String
    /// The user's openid (a real client never sees it; tests do).
    public let openid: String
}
