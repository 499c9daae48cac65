import Crypto
import CryptoExtras
import Foundation
import Logging

/// Decrypts (and encrypts) WeChat open data: `encryptedData` of `wx.getUserInfo`,
/// `getPhoneNumber`, `wx.getShareInfo` and `wx.getWeRunData`.
///
/// AES-128-CBC with PKCS#7 padding, key = the base64-decoded `session_key`, as WeChat's official
/// demo does; the plaintext is UTF-8 JSON whose `watermark.appid` must be this app's id.
///
/// Every way decryption can fail (bad base64, wrong key or IV length, a ciphertext that is not
/// whole blocks, bad padding, a wrong key, garbage or non-JSON plaintext) is the same
/// ``WxError/Kind/decryptFailed`` error, so that a caller cannot be used as a padding oracle; the
/// precise reason goes to the debug log, without key material.
///
/// The cipher is swift-crypto's `AES._CBC` (CryptoExtras, BoringSSL underneath): since
/// swift-crypto 4 it runs one `AES_cbc_encrypt` call per message with one key schedule (not one
/// per block), and removes the padding in constant time, checking every padding byte. Measured
/// at about the speed of OpenSSL's EVP interface on the official vector (see the README's
/// benchmark section), so no system OpenSSL target is needed.
public struct WxDataCrypto: Sendable {
    /// The app id the data must be watermarked for.
    public let appID: String
    /// The oldest a watermark may be, or `nil` for no limit (the default: WeChat's own demo
    /// vector is from 2016, and a user's profile is legitimately old).
    public let maxWatermarkAge: Duration?
    private let logger: Logger?
    /// One decoder for every payload: making a `JSONDecoder` costs more than decoding a small one.
    private let decoder = JSONDecoder()

    /// Creates a decryptor for one app.
    /// - Parameters:
    ///   - appID: The app id the data must be watermarked for.
    ///   - maxWatermarkAge: The oldest accepted watermark; no limit by default.
    ///   - logger: Where the reasons for failures go, at debug level.
    public init(appID: String, maxWatermarkAge: Duration? = nil, logger: Logger? = nil) {
        self.appID = appID
        self.maxWatermarkAge = maxWatermarkAge
        self.logger = logger
    }

    /// Decrypts a payload of a known shape and checks its watermark.
    /// - Parameters:
    ///   - type: The payload type, e.g. ``WxUserInfo``.
    ///   - encryptedData: The base64 ciphertext.
    ///   - iv: The base64 IV (16 bytes).
    ///   - sessionKey: The base64 session key (16 bytes) from `code2Session`.
    /// - Returns: The payload.
    /// - Throws: ``WxError`` `decryptFailed`, `watermarkMismatch` or `dataExpired`.
    public func decrypt<Payload: WxEncryptedPayload>(
        _ type: Payload.Type,
        encryptedData: String,
        iv: String,
        sessionKey: String
    ) throws(WxError) -> Payload {
        let plaintext = try self.decryptedBytes(encryptedData: encryptedData, iv: iv, sessionKey: sessionKey)
        return try self.parse(Payload.self, from: plaintext)
    }

    /// Decrypts a payload of any shape and checks its watermark.
    /// - Parameters:
    ///   - encryptedData: The base64 ciphertext.
    ///   - iv: The base64 IV.
    ///   - sessionKey: The base64 session key.
    /// - Returns: The JSON and its watermark.
    /// - Throws: ``WxError`` `decryptFailed`, `watermarkMismatch` or `dataExpired`.
    public func decryptJSON(encryptedData: String, iv: String, sessionKey: String) throws(WxError) -> WxRawPayload {
        let plaintext = try self.decryptedBytes(encryptedData: encryptedData, iv: iv, sessionKey: sessionKey)
        let envelope = try self.parse(WxWatermarkEnvelope.self, from: plaintext)
        return WxRawPayload(json: plaintext, watermark: envelope.watermark)
    }

    /// Parses decrypted JSON and checks its watermark.
    private func parse<Payload: WxEncryptedPayload>(_ type: Payload.Type, from plaintext: Data) throws(WxError) -> Payload {
        let payload: Payload
        do {
            if let fast = Payload.self as? any WxJSONDecodable.Type {
                guard case .object(let object) = try WxJSON.parse(plaintext), let value = try fast.init(wxJSON: object) as? Payload else {
                    throw WxJSONError()
                }
                payload = value
            } else {
                payload = try self.decoder.decode(Payload.self, from: plaintext)
            }
        } catch {
            throw self.failure("the plaintext is not JSON of the expected shape (\(Payload.self))")
        }
        try self.check(payload.watermark)
        return payload
    }

    /// Checks a watermark against the app id and the maximum age.
    /// - Throws: ``WxError`` `watermarkMismatch` or `dataExpired`.
    public func check(_ watermark: WxWatermark, now: Date = Date()) throws(WxError) {
        guard WxSignature.constantTimeEquals(watermark.appid, self.appID) else {
            self.logger?.debug("Decrypted data is watermarked for another app", metadata: ["watermark_appid": "\(watermark.appid)"])
            throw WxError(.watermarkMismatch, detail: "watermark app id \(watermark.appid)")
        }
        if let maxAge = self.maxWatermarkAge {
            let age = now.timeIntervalSince1970 - Double(watermark.timestamp)
            guard age <= Double(maxAge.components.seconds) else {
                throw WxError(.dataExpired, detail: "watermark is \(Int(age)) s old")
            }
        }
    }

    /// AES-128-CBC decryption with strict input validation; the padding is checked and removed.
    private func decryptedBytes(encryptedData: String, iv: String, sessionKey: String) throws(WxError) -> Data {
        switch Self.decrypt(encryptedData: encryptedData, iv: iv, sessionKey: sessionKey) {
        case .success(let plaintext):
            return plaintext
        case .failure(let reason):
            throw self.failure(reason.description)
        }
    }

    private func failure(_ reason: String) -> WxError {
        self.logger?.debug("Open data decryption failed", metadata: ["reason": .string(reason), "app_id": .string(self.appID)])
        return WxError(.decryptFailed)
    }

    /// Decrypts, telling why it failed. For diagnostics on the operator's own machine (the
    /// `decrypt` command) only: answering remote clients with these reasons would make a padding
    /// oracle.
    /// - Returns: The plaintext (padding removed), or the reason it could not be decrypted.
    public static func decrypt(encryptedData: String, iv: String, sessionKey: String) -> Result<Data, WxDecryptionFailure> {
        guard let key = WxBase64.decode(sessionKey) else { return .failure(.sessionKeyNotBase64) }
        guard key.count == 16 else { return .failure(.sessionKeyLength(key.count)) }
        guard let ivBytes = WxBase64.decode(iv) else { return .failure(.ivNotBase64) }
        guard ivBytes.count == 16, let cbcIV = try? AES._CBC.IV(ivBytes: ivBytes) else { return .failure(.ivLength(ivBytes.count)) }
        guard let ciphertext = WxBase64.decode(encryptedData) else { return .failure(.dataNotBase64) }
        guard !ciphertext.isEmpty, ciphertext.count % 16 == 0 else { return .failure(.dataLength(ciphertext.count)) }
        guard let plaintext = try? AES._CBC.decrypt(ciphertext, using: SymmetricKey(data: key), iv: cbcIV) else {
            return .failure(.padding)
        }
        return .success(plaintext)
    }

    /// Encrypts `plaintext` the way WeChat does, for emulators and tests.
    /// - Parameters:
    ///   - plaintext: The JSON to encrypt.
    ///   - sessionKey: The base64 session key (16 bytes).
    ///   - iv: The base64 IV; a random one when omitted.
    /// - Returns: The base64 `encryptedData` and `iv`.
    /// - Throws: ``WxError`` `decryptFailed` when the key or IV is not 16 bytes of base64.
    public static func encrypt(_ plaintext: Data, sessionKey: String, iv: String? = nil) throws(WxError) -> (encryptedData: String, iv: String) {
        guard let key = WxBase64.decode(sessionKey), key.count == 16 else { throw WxError(.decryptFailed, detail: "session key is not 16 bytes of base64") }
        let ivBytes: Data
        if let iv {
            guard let decoded = WxBase64.decode(iv), decoded.count == 16 else { throw WxError(.decryptFailed, detail: "iv is not 16 bytes of base64") }
            ivBytes = decoded
        } else {
            ivBytes = Self.randomBytes(16)
        }
        do {
            let ciphertext = try AES._CBC.encrypt(plaintext, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: ivBytes))
            return (ciphertext.base64EncodedString(), ivBytes.base64EncodedString())
        } catch {
            throw WxError(.decryptFailed, detail: "encryption failed")
        }
    }

    /// A new random session key: 16 random bytes in base64, like WeChat's.
    public static func makeSessionKey() -> String {
        Self.randomBytes(16).base64EncodedString()
    }

    static func randomBytes(_ count: Int) -> Data {
        // swift-crypto draws eight bytes per call to the system generator (one getrandom(2)
        // each); a byte at a time made 16 system calls per session id, 1.7% of a login.
        guard count > 0 else { return Data() }
        return SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Data($0) }
    }
}

/// Why open data could not be decrypted; see ``WxDataCrypto/decrypt(encryptedData:iv:sessionKey:)``.
public enum WxDecryptionFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The session key is not canonical base64.
    case sessionKeyNotBase64
    /// The session key does not decode to 16 bytes.
    case sessionKeyLength(Int)
    /// The IV is not canonical base64.
    case ivNotBase64
    /// The IV does not decode to 16 bytes.
    case ivLength(Int)
    /// The encrypted data is not canonical base64.
    case dataNotBase64
    /// The encrypted data is not a non-zero multiple of 16 bytes.
    case dataLength(Int)
    /// The padding is wrong: the key (or IV) does not belong to this data, or the data is damaged.
    case padding

    /// What is wrong and what usually causes it; never contains key material.
    public var description: String {
        switch self {
        case .sessionKeyNotBase64: "the session_key is not valid base64"
        case .sessionKeyLength(let count): "the session_key decodes to \(count) bytes, not 16"
        case .ivNotBase64: "the iv is not valid base64"
        case .ivLength(let count): "the iv decodes to \(count) bytes, not 16"
        case .dataNotBase64: "the encryptedData is not valid base64 (was it cut short, or URL-encoded twice?)"
        case .dataLength(let count): "the encryptedData decodes to \(count) bytes, not a non-zero multiple of 16 (was it cut short?)"
        case .padding:
            "the session_key does not match this data (bad padding): did the mini program call wx.login again after getting the data, or is the iv from another call?"
        }
    }
}
