import Foundation

/// Decrypted open data of any shape: the JSON text, with its watermark checked.
public struct WxRawPayload: Sendable, Hashable {
    /// The decrypted JSON, as WeChat produced it.
    public let json: Data
    /// The watermark.
    public let watermark: WxWatermark

    /// The JSON as text.
    public var text: String { String(decoding: self.json, as: UTF8.self) }

    /// Decodes the JSON as `type`.
    /// - Throws: `DecodingError`.
    public func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try JSONDecoder().decode(Value.self, from: self.json)
    }
}

/// The part of any payload that ``WxDataCrypto`` reads to check a raw payload.
struct WxWatermarkEnvelope: WxEncryptedPayload {
    let watermark: WxWatermark

    init(watermark: WxWatermark) {
        self.watermark = watermark
    }
}
