/// The watermark WeChat puts in every piece of encrypted open data: which app it was produced
/// for, and when.
public struct WxWatermark: Codable, Sendable, Hashable {
    /// The app id the data was produced for.
    public let appid: String
    /// When the data was produced (Unix seconds).
    public let timestamp: Int

    /// Creates a watermark.
    public init(appid: String, timestamp: Int) {
        self.appid = appid
        self.timestamp = timestamp
    }
}

/// Encrypted open data of a known shape: every such payload carries a ``WxWatermark``.
public protocol WxEncryptedPayload: Decodable, Sendable {
    /// The watermark, checked against the app id after decryption.
    var watermark: WxWatermark { get }
}
