import Foundation
import Logging
import MiniWeb
import MiniWebTesting
import MiniWebWxLogin
import Testing

@Suite("Open-data crypto")
struct WxDataCryptoTests {
    let crypto = WxDataCrypto(appID: OfficialVectors.appID)

    @Test("WeChat's official demo vector decrypts to Band's profile")
    func officialVector() throws {
        let user = try crypto.decrypt(
            WxUserInfo.self,
            encryptedData: OfficialVectors.encryptedData,
            iv: OfficialVectors.iv,
            sessionKey: OfficialVectors.sessionKey
        )
        #expect(user.openId == "oGZUI0egBJY1zhBYw2KhdUfwVJJE")
        #expect(user.nickName == "Band")
        #expect(user.gender == 1)
        #expect(user.city == "Guangzhou")
        #expect(user.unionId == "ocMvos6NjeKLIBqg5Mr9QjxrP1FA")
        #expect(user.watermark == WxWatermark(appid: OfficialVectors.appID, timestamp: 1_477_314_187))

        let raw = try crypto.decryptJSON(encryptedData: OfficialVectors.encryptedData, iv: OfficialVectors.iv, sessionKey: OfficialVectors.sessionKey)
        #expect(raw.text.hasPrefix("{\"openId\":\"oGZUI0egBJY1zhBYw2KhdUfwVJJE\""))
        #expect(raw.watermark.appid == OfficialVectors.appID)
    }

    @Test("a + that arrived as a space is repaired")
    func spaceRepair() throws {
        let mangled = OfficialVectors.encryptedData.replacingOccurrences(of: "+", with: " ")
        #expect(mangled != OfficialVectors.encryptedData)
        let user = try crypto.decrypt(WxUserInfo.self, encryptedData: mangled, iv: OfficialVectors.iv, sessionKey: OfficialVectors.sessionKey)
        #expect(user.nickName == "Band")
    }

    @Test("round trips through encrypt and decrypt for every payload type")
    func roundTrips() throws {
        let key = WxDataCrypto.makeSessionKey()
        let watermark = WxWatermark(appid: OfficialVectors.appID, timestamp: 1_700_000_000)
        func seal(_ value: some Encodable) throws -> (encryptedData: String, iv: String) {
            try WxDataCrypto.encrypt(try JSONEncoder().encode(value), sessionKey: key)
        }
        let user = WxUserInfo(openId: "o1", unionId: "u1", nickName: "小明", avatarUrl: "https://a/b", gender: 0, language: "zh_CN", watermark: watermark)
        var sealed = try seal(user)
        #expect(try crypto.decrypt(WxUserInfo.self, encryptedData: sealed.encryptedData, iv: sealed.iv, sessionKey: key) == user)

        let phone = WxPhoneNumber(phoneNumber: "13800138000", purePhoneNumber: "13800138000", countryCode: "86", watermark: watermark)
        sealed = try seal(phone)
        #expect(try crypto.decrypt(WxPhoneNumber.self, encryptedData: sealed.encryptedData, iv: sealed.iv, sessionKey: key) == phone)

        let share = WxShareInfo(openGId: "G123", watermark: watermark)
        sealed = try seal(share)
        #expect(try crypto.decrypt(WxShareInfo.self, encryptedData: sealed.encryptedData, iv: sealed.iv, sessionKey: key) == share)

        let run = WxRunData(stepInfoList: [.init(timestamp: 1_700_000_000, step: 8_000)], watermark: watermark)
        sealed = try seal(run)
        #expect(try crypto.decrypt(WxRunData.self, encryptedData: sealed.encryptedData, iv: sealed.iv, sessionKey: key) == run)

        // Every plaintext length up to two blocks past a boundary (PKCS#7 adds 1...16 bytes).
        for length in 0...40 {
            let json = Data((#"{"watermark":{"appid":"wx4f4bc4dec97d474b","timestamp":1},"p":""# + String(repeating: "x", count: length) + #""}"#).utf8)
            let sealed = try WxDataCrypto.encrypt(json, sessionKey: key)
            #expect(try crypto.decryptJSON(encryptedData: sealed.encryptedData, iv: sealed.iv, sessionKey: key).json == json)
        }
    }

    @Test("the phone number's countryCode is accepted as a number or a string")
    func countryCodeAsNumber() throws {
        let key = WxDataCrypto.makeSessionKey()
        let json = #"{"phoneNumber":"+85291234567","purePhoneNumber":"91234567","countryCode":852,"watermark":{"appid":"wx4f4bc4dec97d474b","timestamp":1}}"#
        let sealed = try WxDataCrypto.encrypt(Data(json.utf8), sessionKey: key)
        let phone = try crypto.decrypt(WxPhoneNumber.self, encryptedData: sealed.encryptedData, iv: sealed.iv, sessionKey: key)
        #expect(phone.countryCode == "852")
    }

    @Test("every bad input gives the one decryption error, and its reason only in the debug log")
    func uniformFailure() throws {
        let logs = LogCapture()
        let crypto = WxDataCrypto(appID: OfficialVectors.appID, logger: logs.logger(level: .debug))
        let data = OfficialVectors.encryptedData
        let ciphertext = Data(base64Encoded: data)!
        func flipping(_ index: Int) -> String {
            var bytes = ciphertext
            bytes[index] ^= 0x01
            return bytes.base64EncodedString()
        }
        let nonJSON = try WxDataCrypto.encrypt(Data("not json at all".utf8), sessionKey: OfficialVectors.sessionKey)
        let wrongShape = try WxDataCrypto.encrypt(Data(#"{"watermark":{"appid":"wx4f4bc4dec97d474b","timestamp":1}}"#.utf8), sessionKey: OfficialVectors.sessionKey)
        let cases: [(String, encryptedData: String, iv: String, key: String)] = [
            ("data not base64", "!!!!" + data, OfficialVectors.iv, OfficialVectors.sessionKey),
            ("data with a newline", String(data.prefix(64)) + "\n" + String(data.dropFirst(64)), OfficialVectors.iv, OfficialVectors.sessionKey),
            ("data without padding", String(data.dropLast(2)), OfficialVectors.iv, OfficialVectors.sessionKey),
            ("data URL-safe alphabet", data.replacingOccurrences(of: "/", with: "_"), OfficialVectors.iv, OfficialVectors.sessionKey),
            ("data non-canonical last character", String(data.dropLast(3)) + "x==", OfficialVectors.iv, OfficialVectors.sessionKey),
            ("data empty", "", OfficialVectors.iv, OfficialVectors.sessionKey),
            ("data not whole blocks", ciphertext.prefix(40).base64EncodedString(), OfficialVectors.iv, OfficialVectors.sessionKey),
            ("key not base64", data, OfficialVectors.iv, "tiihtNczf5v6AKRy*wEUhQ=="),
            ("key too short", data, OfficialVectors.iv, "AAAAAAAAAAAAAAAAAAAAAA"),
            ("key of 24 bytes", data, OfficialVectors.iv, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            ("iv of 8 bytes", data, "AAAAAAAAAAA=", OfficialVectors.sessionKey),
            ("wrong key", data, OfficialVectors.iv, "AAAAAAAAAAAAAAAAAAAAAA=="),
            ("wrong iv", data, "AAAAAAAAAAAAAAAAAAAAAA==", OfficialVectors.sessionKey),
            ("flipped byte in the last block", flipping(ciphertext.count - 1), OfficialVectors.iv, OfficialVectors.sessionKey),
            ("truncated to whole blocks", ciphertext.prefix(ciphertext.count - 16).base64EncodedString(), OfficialVectors.iv, OfficialVectors.sessionKey),
            ("non-JSON plaintext", nonJSON.encryptedData, nonJSON.iv, OfficialVectors.sessionKey),
            ("JSON of the wrong shape", wrongShape.encryptedData, wrongShape.iv, OfficialVectors.sessionKey),
        ]
        var flipCases: [(String, encryptedData: String, iv: String, key: String)] = []
        for block in 0..<(ciphertext.count / 16) {
            flipCases.append(("flipped byte in block \(block)", flipping(block * 16 + 3), OfficialVectors.iv, OfficialVectors.sessionKey))
        }
        for (name, encryptedData, iv, key) in cases + flipCases {
            do {
                _ = try crypto.decrypt(WxUserInfo.self, encryptedData: encryptedData, iv: iv, sessionKey: key)
                Issue.record("\(name): decrypted")
            } catch {
                #expect(error.kind == .decryptFailed, "\(name)")
                #expect(error.httpError.code == "wx_decrypt_failed", "\(name)")
                #expect(error.httpError.status == .badRequest, "\(name)")
                #expect(error.detail.isEmpty, "\(name): the error carries no reason")
            }
        }
        #expect(logs.entries.count == cases.count + flipCases.count)
        #expect(logs.entries.allSatisfy { $0.level == .debug })
        #expect(!logs.text.contains(OfficialVectors.sessionKey))
        #expect(logs.text.contains("the session_key does not match this data"))
    }

    @Test("a watermark of another app, or too old, is refused")
    func watermark() throws {
        let other = WxDataCrypto(appID: "wx0000000000000000")
        #expect {
            try other.decrypt(WxUserInfo.self, encryptedData: OfficialVectors.encryptedData, iv: OfficialVectors.iv, sessionKey: OfficialVectors.sessionKey)
        } throws: { ($0 as? WxError)?.kind == .watermarkMismatch }
        let fresh = WxDataCrypto(appID: OfficialVectors.appID, maxWatermarkAge: .seconds(3600))
        #expect {
            try fresh.decrypt(WxUserInfo.self, encryptedData: OfficialVectors.encryptedData, iv: OfficialVectors.iv, sessionKey: OfficialVectors.sessionKey)
        } throws: { ($0 as? WxError)?.httpError.code == "wx_data_expired" }
    }

    @Test("the diagnosing decrypt names the likely cause")
    func diagnosis() {
        #expect(WxDataCrypto.decrypt(encryptedData: OfficialVectors.encryptedData, iv: OfficialVectors.iv, sessionKey: "AAAAAAAAAAAAAAAAAAAAAA==") == .failure(.padding))
        #expect(WxDataCrypto.decrypt(encryptedData: OfficialVectors.encryptedData, iv: "AAAA", sessionKey: OfficialVectors.sessionKey) == .failure(.ivLength(3)))
        #expect(WxDecryptionFailure.padding.description.contains("wx.login again"))
    }
}

@Suite("Signatures")
struct WxSignatureTests {
    @Test("rawData signature: WeChat's example, constant-time check, wrong signatures refused")
    func rawDataSignature() {
        let signature = WxSignature.rawDataSignature(rawData: OfficialVectors.rawData, sessionKey: OfficialVectors.signatureSessionKey)
        #expect(signature == OfficialVectors.rawDataSignature)
        #expect(WxSignature.isValidRawDataSignature(OfficialVectors.rawDataSignature, rawData: OfficialVectors.rawData, sessionKey: OfficialVectors.signatureSessionKey))
        #expect(WxSignature.isValidRawDataSignature(OfficialVectors.rawDataSignature.uppercased(), rawData: OfficialVectors.rawData, sessionKey: OfficialVectors.signatureSessionKey))
        #expect(!WxSignature.isValidRawDataSignature("fake_sign", rawData: OfficialVectors.rawData, sessionKey: OfficialVectors.signatureSessionKey))
        #expect(!WxSignature.isValidRawDataSignature(OfficialVectors.rawDataSignature, rawData: OfficialVectors.rawData + " ", sessionKey: OfficialVectors.signatureSessionKey))
        #expect(!WxSignature.isValidRawDataSignature(OfficialVectors.rawDataSignature, rawData: OfficialVectors.rawData, sessionKey: OfficialVectors.sessionKey))
    }

    @Test("login-state signature: HMAC-SHA256 keyed with the session key's text, WeChat's example")
    func sessionSignature() {
        #expect(WxSignature.sessionSignature(sessionKey: OfficialVectors.hmacSessionKey, message: OfficialVectors.hmacMessage) == OfficialVectors.hmacSignature)
        #expect(WxSignature.sessionSignature(sessionKey: OfficialVectors.hmacSessionKey).count == 64)
    }
}
