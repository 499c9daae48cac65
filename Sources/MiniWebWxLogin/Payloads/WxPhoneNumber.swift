/// A user's phone number, from `getPhoneNumber`'s `encryptedData` or from
/// `getuserphonenumber`'s `phone_info`.
public struct WxPhoneNumber: WxEncryptedPayload, Codable, Hashable {
    /// The number with its country code, e.g. `+8613800138000` (or without `+` for mainland).
    public let phoneNumber: String
    /// The number without the country code.
    public let purePhoneNumber: String
    /// The country code, e.g. `86`. WeChat sends it as a string or as a number; both are accepted.
    public let countryCode: String
    /// The watermark.
    public let watermark: WxWatermark

    /// Creates a phone number.
    public init(phoneNumber: String, purePhoneNumber: String, countryCode: String, watermark: WxWatermark) {
        self.phoneNumber = phoneNumber
        self.purePhoneNumber = purePhoneNumber
        self.countryCode = countryCode
        self.watermark = watermark
    }

    private enum CodingKeys: String, CodingKey {
        case phoneNumber, purePhoneNumber, countryCode, watermark
    }

    /// Decodes, accepting `countryCode` as a string or an integer.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.phoneNumber = try container.decode(String.self, forKey: .phoneNumber)
        self.purePhoneNumber = try container.decode(String.self, forKey: .purePhoneNumber)
        if let number = try? container.decode(Int.self, forKey: .countryCode) {
            self.countryCode = String(number)
        } else {
            self.countryCode = try container.decode(String.self, forKey: .countryCode)
        }
        self.watermark = try container.decode(WxWatermark.self, forKey: .watermark)
    }
}
