/// WeChat's published examples (the open-data decryption demo and the signature documentation),
/// as they appear in WeChat's demo code and in the tests of the public SDKs.
enum OfficialVectors {
    static let appID = "wx4f4bc4dec97d474b"
    static let sessionKey = "tiihtNczf5v6AKRyjwEUhQ=="
    static let iv = "r7BXXKkLb8qrSNn05n0qiA=="
    static let encryptedData =
        "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142d"
        + "NCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn"
        + "/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns"
        + "/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuy"
        + "Db/XcxxmK01EpqOyuxINew=="

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
