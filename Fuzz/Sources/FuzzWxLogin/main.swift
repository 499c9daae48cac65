import Foundation
import MiniWeb
import MiniWebWxLogin
import NIOCore

// libFuzzer calls `LLVMFuzzerTestOneInput` with each input. Its first byte picks what the rest
// is, so that one corpus reaches every stage of the login's input handling:
//   0: a JSON login body → WxLoginPayload (flat and Flask shapes)
//   1: a form login body → WxLoginPayload (with the `+`-as-space repair)
//   2: ciphertext → base64 → AES-128-CBC and strict PKCS#7 → JSON → WxUserInfo
//   3: plaintext, encrypted with the test key first → decryption succeeds → the strict JSON
//      parser and the typed payloads (user, phone) and the watermark check see the fuzz bytes
//   4: "encryptedData\niv\nsessionKey" text → strict base64 and length validation
// Every failure must be a thrown `WxError`/`HTTPError`; crashes, sanitizer reports and hangs are
// findings.

let appID = "wx4f4bc4dec97d474b"
let sessionKey = "tiihtNczf5v6AKRyjwEUhQ=="
let iv = "r7BXXKkLb8qrSNn05n0qiA=="
let crypto = WxDataCrypto(appID: appID)

func loginRequest(body: UnsafeRawBufferPointer, contentType: String) -> Request {
    Request(
        method: .post,
        uri: "/user/wxlogin",
        headers: ["content-type": contentType, "content-length": String(body.count)],
        body: ByteBuffer(bytes: body),
        remoteAddress: RemoteAddress(ip: "127.0.0.1", port: 1)
    )
}

func checkPayload(_ request: Request) {
    guard let payload = try? WxLoginPayload(from: request) else { return }
    precondition(!payload.code.isEmpty, "a payload without a code was accepted")
    if let encryptedData = payload.encryptedData, let iv = payload.iv {
        _ = try? crypto.decrypt(WxUserInfo.self, encryptedData: encryptedData, iv: iv, sessionKey: sessionKey)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWxLogin(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let mode = start.load(as: UInt8.self) % 5
    let rest = UnsafeRawBufferPointer(start: start + 1, count: count - 1)
    switch mode {
    case 0:
        checkPayload(loginRequest(body: rest, contentType: "application/json"))
    case 1:
        checkPayload(loginRequest(body: rest, contentType: "application/x-www-form-urlencoded"))
    case 2:
        let encryptedData = Data(rest).base64EncodedString()
        _ = try? crypto.decrypt(WxUserInfo.self, encryptedData: encryptedData, iv: iv, sessionKey: sessionKey)
    case 3:
        guard let sealed = try? WxDataCrypto.encrypt(Data(rest), sessionKey: sessionKey, iv: iv) else {
            preconditionFailure("encryption with a valid key failed")
        }
        let opened = WxDataCrypto.decrypt(encryptedData: sealed.encryptedData, iv: sealed.iv, sessionKey: sessionKey)
        guard case .success(let plaintext) = opened, plaintext == Data(rest) else {
            preconditionFailure("decrypt(encrypt(x)) != x")
        }
        _ = try? crypto.decrypt(WxUserInfo.self, encryptedData: sealed.encryptedData, iv: sealed.iv, sessionKey: sessionKey)
        _ = try? crypto.decrypt(WxPhoneNumber.self, encryptedData: sealed.encryptedData, iv: sealed.iv, sessionKey: sessionKey)
        _ = try? crypto.decryptJSON(encryptedData: sealed.encryptedData, iv: sealed.iv, sessionKey: sessionKey)
    default:
        let fields = String(decoding: rest, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let encryptedData = fields.first ?? ""
        let givenIV = fields.count > 1 ? fields[1] : iv
        let givenKey = fields.count > 2 ? fields[2] : sessionKey
        _ = WxDataCrypto.decrypt(encryptedData: encryptedData, iv: givenIV, sessionKey: givenKey)
        _ = try? crypto.decrypt(WxUserInfo.self, encryptedData: encryptedData, iv: givenIV, sessionKey: givenKey)
    }
    return 0
}
