import MiniWebWxLogin

/// WeChat's published examples (the open-data decryption demo and the signature documentation),
/// as they appear in WeChat's demo code and in the tests of the public SDKs.
enum OfficialVectors {
    static let appID = WxOfficialDemoVector.appID
    static let sessionKey = WxOfficialDemoVector.sessionKey
    static let iv = WxOfficialDemoVector.iv
    static let encryptedData = WxOfficialDemoVector.encryptedData

    /// The signature example: `rawData` signed with this session key.
    static let signatureSessionKey = "HyVFkGl5F5OQWJZZaNzBBg=="
    static let rawData =
        #"{"nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/1vZvI39NWFQ9XM4LtQpFrQJ1xlgZxx3w7bQxKARol6503Iuswjjn6nIGBiaycAjAtpujxyzYsrztuuICqIM5ibXQ/0"}"#
    static let rawDataSignature = "75e81ceda165f4ffa64f4068af58c64b8f54b88c"

    /// The login-state signature example (HMAC-SHA256 keyed with the session key's text).
    static let hmacSessionKey = "o0q0otL8aEzpcZL/FT9WsQ=="
    static let hmacMessage = #"{"foo":"bar"}"#
    static let hmacSignature = "654571f79995b2ce1e149e53c0a33dc39c0a74090db514261454e8dbe432aa0b"
}
