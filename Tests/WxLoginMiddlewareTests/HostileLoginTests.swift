import Foundation
import LoginService
import MiniWeb
import MiniWebTesting
import MiniWebWxLogin
import Testing
import WxEmulator

/// Hostile WeChat data, tokens and upstream faults against SampleApp's login service in
/// production mode: each gets its documented answer, the service keeps answering, and no answer
/// or log line carries a secret.
@Suite("Hostile logins")
struct HostileLoginTests {
    static let appID = "wx00000000000000h1"
    static let appSecret = "hostile-test-app-secret-0123456789"
    static let sessionSecret = "hostile-test-session-secret-0123456789abcdef"

    struct Check {
        let name: String
        let status: Int
        let code: String
    }

    @Test("crypto, signature, token and upstream failures: documented answers, no secrets anywhere")
    func battery() async throws {
        let logs = LogCapture()
        let emulator = WxEmulator(apps: [WxAppCredentials(appID: Self.appID, secret: Self.appSecret)])
        var secrets: Set<String> = [
            Self.appSecret, Self.sessionSecret, LoginTokenKey.derived(fromSecret: Self.sessionSecret).rawBytes.base64EncodedString(),
        ]
        var responses: [String] = []
        try await emulator.makeApplication(configuration: ServerConfiguration(port: 0)).test(.live) { (wechat) async throws in
            let configuration = LoginServiceConfiguration(
                server: ServerConfiguration(host: "127.0.0.1", port: 0),
                database: .sqlite(path: ":memory:"),
                appID: Self.appID,
                appSecret: Self.appSecret,
                wxAPIBaseURL: try #require(wechat.address).description,
                sessionSecrets: [Self.sessionSecret],
                tokenLifetime: .seconds(60),
                loginRateLimit: (rate: 10_000, burst: 10_000)
            )
            try await LoginServiceHarness.withService(configuration, logs: logs) { (_, client) async throws in
                func expect(_ response: TestResponse, _ status: Int, _ code: String, _ name: String) async throws {
                    responses.append(response.text)
                    #expect(response.status.code == status, "\(name): \(response.text)")
                    #expect(response.error?.error == code, "\(name)")
                    #expect(try await client.get("/healthz").status == .ok, "\(name): /healthz")
                }
                func device() async throws -> WxDeviceLogin {
                    let login = try await emulator.login(appID: Self.appID)
                    if let key = await emulator.sessionKey(of: login.openid) { secrets.insert(key) }
                    return login
                }
                func post(_ login: FlatLogin) async throws -> TestResponse {
                    try await client.post("/user/wxlogin", json: login)
                }

                // Every way the encrypted data can be wrong: the same wx_decrypt_failed.
                let base = try await device()
                let ciphertext = try #require(Data(base64Encoded: base.encryptedData))
                var flipped = ciphertext
                flipped[flipped.count - 20] ^= 0x40
                let otherKey = WxDataCrypto.makeSessionKey()
                let nonJSON = try WxDataCrypto.encrypt(Data("<html>".utf8), sessionKey: otherKey)
                let variants: [(String, (inout FlatLogin) -> Void)] = [
                    ("encryptedData not base64", { $0.encryptedData = "%%%%" }),
                    ("encryptedData cut short", { $0.encryptedData = String($0.encryptedData!.dropLast(10)) }),
                    ("encryptedData not whole blocks", { $0.encryptedData = ciphertext.prefix(40).base64EncodedString() }),
                    ("iv of 8 bytes", { $0.iv = "AAAAAAAAAAA=" }),
                    ("iv of another login", { $0.iv = "AAAAAAAAAAAAAAAAAAAAAA==" }),
                    ("a flipped byte", { $0.encryptedData = flipped.base64EncodedString() }),
                    ("data sealed with another key", { $0.encryptedData = nonJSON.encryptedData; $0.iv = nonJSON.iv }),
                ]
                for (name, mutate) in variants {
                    var login = FlatLogin(try await device())
                    login.rawData = nil
                    login.signature = nil
                    mutate(&login)
                    try await expect(try await post(login), 400, "wx_decrypt_failed", name)
                }
                var forged = FlatLogin(try await device())
                forged.signature = String(repeating: "a", count: 40)
                try await expect(try await post(forged), 400, "wx_signature_invalid", "forged signature")
                // Sealed with the right session key, but watermarked for another app.
                let foreign = try await device()
                let foreignKey = try #require(await emulator.sessionKey(of: foreign.openid))
                let wrongApp = try FlatLogin.watermarkedForAnotherApp(code: foreign.code, openID: foreign.openid, sessionKey: foreignKey)
                try await expect(try await post(wrongApp), 400, "wx_watermark_mismatch", "another app's watermark")

                // Tokens.
                let good = try await client.post("/user/wxlogin", json: FlatLogin(try await device()))
                let token = try #require(try good.decode(LoginAnswer.self).token)
                let parts = token.split(separator: ".").map(String.init)
                func segment(_ json: String) -> String {
                    Data(json.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
                }
                let kid = try #require(LoginTokenSignerKID.of(token))
                let otherApp = await LoginTokenSigner(keys: [.derived(fromSecret: Self.sessionSecret)], audience: "wx-another-app")
                let expired = await LoginTokenSigner(keys: [.derived(fromSecret: Self.sessionSecret)], audience: Self.appID, lifetime: .seconds(1))
                let expiredToken = try await expired.issue(userID: "1", openID: "o", unionID: nil, now: Date().addingTimeInterval(-10)).token
                let tokenCases: [(String, String, String)] = [
                    ("bad signature", "\(parts[0]).\(parts[1]).\(String(parts[2].reversed()))", "auth_invalid"),
                    ("alg none", "\(segment(#"{"alg":"none","typ":"JWT","kid":"\#(kid)"}"#)).\(parts[1]).", "auth_invalid"),
                    ("another algorithm", "\(segment(#"{"alg":"HS512","typ":"JWT","kid":"\#(kid)"}"#)).\(parts[1]).\(parts[2])", "auth_invalid"),
                    ("truncated", String(token.prefix(token.count / 2)), "auth_invalid"),
                    ("unknown key id", "\(segment(#"{"alg":"HS256","typ":"JWT","kid":"retired"}"#)).\(parts[1]).\(parts[2])", "auth_invalid"),
                    ("issued for another app", try await otherApp.issue(userID: "1", openID: "o", unionID: nil).token, "auth_invalid"),
                    ("expired", expiredToken, "auth_expired"),
                    ("not a JWT", "hello", "auth_invalid"),
                ]
                for (name, candidate, code) in tokenCases {
                    try await expect(try await client.me(candidate), 401, code, "token: \(name)")
                }
                #expect(try await client.me(token).status == .ok)
                #expect(try await client.post("/user/logout", headers: ["authorization": "Bearer \(token)"]).status == .noContent)
                try await expect(try await client.me(token), 401, "auth_invalid", "token: revoked")
                try await expect(try await client.post("/user/logout", headers: ["authorization": "Bearer \(token)"]), 401, "auth_invalid", "token: reused after logout")

                // WeChat failing: each a 502/504 within the client's 5 s budget, then recovery.
                let faults: [(WxEmulatorFault, Int, String)] = [
                    (WxEmulatorFault(endpoint: "sns/jscode2session", httpStatus: 500, times: 1), 502, "wx_upstream_error"),
                    (WxEmulatorFault(endpoint: "sns/jscode2session", body: .html, times: 1), 502, "wx_upstream_error"),
                    (WxEmulatorFault(endpoint: "sns/jscode2session", body: .truncated, times: 1), 502, "wx_upstream_error"),
                    (WxEmulatorFault(endpoint: "sns/jscode2session", body: .huge, times: 1), 502, "wx_upstream_error"),
                    (WxEmulatorFault(endpoint: "sns/jscode2session", errcode: -1, times: 1), 502, "wx_upstream_error"),
                    // Longer than the client's 5 s budget for a call and its retries.
                    (WxEmulatorFault(endpoint: "sns/jscode2session", delayMilliseconds: 7000, times: 1), 504, "wx_upstream_timeout"),
                ]
                for (fault, status, code) in faults {
                    await emulator.inject(fault)
                    let start = ContinuousClock.now
                    try await expect(try await post(FlatLogin(try await device())), status, code, "upstream \(fault)")
                    #expect(ContinuousClock.now - start < .seconds(8), "within the 5 s budget, with a margin for slow builds")
                }
                #expect(try await post(FlatLogin(try await device())).status == .ok, "recovered")

                // The app's access token (the service fetches it for phone numbers).
                let wx = WxAPIClient(
                    configuration: WxAPIConfiguration(baseURL: try #require(wechat.address).description, apps: [WxAppCredentials(appID: Self.appID, secret: Self.appSecret)])
                )
                secrets.insert(try await wx.accessToken())
                try await wx.shutdown()
            }
        }
        let everything = responses.joined(separator: "\n") + "\n" + logs.text
        #expect(!logs.entries.isEmpty)
        for secret in secrets {
            #expect(!everything.contains(secret), "a secret leaked: \(secret.prefix(6))… in \(everything.split(separator: "\n").filter { $0.contains(secret) }.prefix(3))")
        }
    }

    @Test("WeChat unreachable (connection refused) or trickling a byte at a time: 502/504 within the time budget, the service keeps answering")
    func unreachableOrTrickling() async throws {
        func configuration(_ baseURL: String) -> LoginServiceConfiguration {
            LoginServiceConfiguration(
                server: ServerConfiguration(host: "127.0.0.1", port: 0),
                database: .sqlite(path: ":memory:"),
                appID: Self.appID,
                appSecret: Self.appSecret,
                wxAPIBaseURL: baseURL,
                sessionSecrets: [Self.sessionSecret],
                loginRateLimit: (rate: 10_000, burst: 10_000)
            )
        }
        let login = #"{"code":"0a1b2c3d4e5f"}"#
        // Port 1 on loopback: nothing listens, the connection is refused.
        try await LoginServiceHarness.withService(configuration("http://127.0.0.1:1")) { (_, client) async throws in
            let start = ContinuousClock.now
            let response = try await client.login(login)
            // The code never reached WeChat, so the client retries until its budget runs out:
            // 502 when the last attempt was refused, 504 when the budget ended first.
            #expect([502, 504].contains(response.status.code), "\(response.text)")
            #expect(["wx_upstream_error", "wx_upstream_timeout"].contains(response.error?.error ?? ""))
            #expect(ContinuousClock.now - start < .seconds(8), "within the 5 s budget, with a margin for slow builds")
            #expect(try await client.get("/healthz").status == .ok)
        }
        try await TrickleServer.with(interval: .milliseconds(400)) { trickle in
            try await LoginServiceHarness.withService(configuration("http://127.0.0.1:\(trickle.port)")) { (_, client) async throws in
                let start = ContinuousClock.now
                let response = try await client.login(login)
                #expect(response.status.code == 504, "\(response.text)")
                #expect(response.error?.error == "wx_upstream_timeout")
                #expect(ContinuousClock.now - start < .seconds(8), "a trickle must not hold a login past the 5 s budget")
                #expect(try await client.get("/healthz").status == .ok)
            }
        }
    }
}
