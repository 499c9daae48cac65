/// The group a shared card was opened in, from `wx.getShareInfo`'s `encryptedData`.
public struct WxShareInfo: WxEncryptedPayload, Codable, Hashable {
    /// The group's id for this app.
    public let openGId: String
    /// The watermark.
    public let watermark: WxWatermark

    /// Creates share info.
    public init(openGId: String, watermark: WxWatermark) {
        self.openGId = openGId
        self.watermark = watermark
    }
}
