/// WeChat's published example of open-data decryption (its demo code in every language uses it):
/// useful as a self-test of a deployment's crypto, and for benchmarks.
///
/// Decrypting ``encryptedData`` with ``sessionKey`` and ``iv`` for ``appID`` gives the profile of
/// `openId` `oGZUI0egBJY1zhBYw2KhdUfwVJJE`, `nickName` `Band`, watermarked 1477314187.
public enum WxOfficialDemoVector {
    /// The demo's app id.
    public static let appID = "wx4f4bc4dec97d474b"
    /// The demo's session key.
    public static let sessionKey = "tiihtNczf5v6AKRyjwEUhQ=="
    /// The demo's IV.
    public static let iv = "r7BXXKkLb8qrSNn05n0qiA=="
    /// The demo's encrypted profile.
    public static let encryptedData =
        "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142d"
        + "NCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn"
        + "/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns"
        + "/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuy"
        + "Db/XcxxmK01EpqOyuxINew=="
}
