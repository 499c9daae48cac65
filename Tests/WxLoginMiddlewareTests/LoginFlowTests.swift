import Foundation
import LoginService
import MiniWeb
import MiniWebTesting
import MiniWebWxLogin
import Testing
import WxEmulator

/// SampleApp's login service end to end, over real sockets, with the emulator as WeChat.
@Suite("Login flow")
struct LoginFlowTests {
    typealias Harness = LoginServiceHarness

    @Test("device → wxlogin → /user/me → /user/phone (both APIs) → logout → 401")
    func fullFlow() async throws {
        try await Harness.withService(Harness.development()) { (running, client) async throws in
            let emulator = try #require(running.emulator)
            let profile = WxEmulatedUser(unionID: "union-7", nickName: "小程序用户", gender: 1, phoneNumber: "13700001111")
            let device = try await emulator.login(appID: running.appID, user: profile)

            let login = try await client.login(device)
            #expect(login.status == .ok)
            let answer = try login.decode(LoginAnswer.self)
            #expect(answer.code == 200)
            #expect(answer.msg == "登录成功")
            #expect(answer.expiresIn == 3600)
            #expect(answer.userinfo?.openId == profile.openID)
            #expect(answer.userinfo?.unionId == "union-7")
            #expect(answer.userinfo?.nickName == "小程序用户")
            // The session key is never returned.
            let sessionKey = try #require(await emulator.sessionKey(of: profile.openID))
            #expect(!login.text.contains(sessionKey))
            let token = try #require(answer.token)

            let me = try await client.me(token)
            #expect(me.status == .ok)
            #expect(try me.decode(LoginAnswer.self).userinfo == answer.userinfo)

            let auth: Headers = ["authorization": "Bearer \(token)", "content-type": "application/json"]
            let byCode = try await client.post("/user/phone", headers: auth, body: ByteBuffer(string: #"{"code":"\#(device.phoneCode)"}"#))
            #expect(byCode.status == .ok)
            #expect(byCode.text.contains("13700001111"))
            let byEncryptedData = try await client.post(
                "/user/phone",
                headers: auth,
                body: ByteBuffer(string: #"{"encryptedData":"\#(device.phoneEncryptedData)","iv":"\#(device.phoneIv)"}"#)
            )
            #expect(byEncryptedData.status == .ok)
            #expect(try await client.me(token).decode(LoginAnswer.self).userinfo?.phoneNumber == "13700001111")

            let logout = try await client.post("/user/logout", headers: ["authorization": "Bearer \(token)"])
            #expect(logout.status == .noContent)
            let after = try await client.me(token)
            #expect(after.status == .unauthorized)
            #expect(after.error?.error == "auth_invalid")
            #expect(after.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        }
    }

    @Test("POST /user/profile stores the chosen nickname and avatar, and refuses bad ones with 422")
    func profileUpdate() async throws {
        try await Harness.withService(Harness.development()) { (running, client) async throws in
            let device = try await #require(running.emulator).login(appID: running.appID)
            let token = try #require(try await client.login(device).decode(LoginAnswer.self).token)
            let auth: Headers = ["authorization": "Bearer \(token)", "content-type": "application/json"]

            let named = try await client.post("/user/profile", headers: auth, body: ByteBuffer(string: #"{"nickName":"  阿明 🐼  "}"#))
            #expect(named.status == .ok)
            #expect(try named.decode(LoginAnswer.self).userinfo?.nickName == "阿明 🐼")
            let pictured = try await client.post("/user/profile", headers: auth, body: ByteBuffer(string: #"{"avatarUrl":"https://cdn.example.com/u/1.png"}"#))
            #expect(try pictured.decode(LoginAnswer.self).userinfo?.avatarUrl == "https://cdn.example.com/u/1.png")
            let me = try await client.me(token).decode(LoginAnswer.self).userinfo
            #expect(me?.nickName == "阿明 🐼")
            #expect(me?.avatarUrl == "https://cdn.example.com/u/1.png")

            let refused: [(body: String, field: String)] = [
                (#"{}"#, "nickName, avatarUrl"),
                (#"{"nickName":"   "}"#, "nickName"),
                (#"{"nickName":"\#(String(repeating: "长", count: 65))"}"#, "nickName"),
                (#"{"nickName":"a\u0000b"}"#, "nickName"),
                (#"{"nickName":"a\u202Eb"}"#, "nickName"),
                (#"{"avatarUrl":"javascript:alert(1)"}"#, "avatarUrl"),
                (#"{"avatarUrl":"http://evil.example.com/a.png"}"#, "avatarUrl"),
                (#"{"avatarUrl":"https://"}"#, "avatarUrl"),
                (#"{"nickName":42}"#, "nickName"),
            ]
            for (body, field) in refused {
                let response = try await client.post("/user/profile", headers: auth, body: ByteBuffer(string: body))
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(response.error?.error == "invalid_body", "\(body)")
                #expect(response.error?.msg.contains(field.components(separatedBy: ",")[0]) == true, "\(body): \(response.text)")
            }
            #expect(try await client.me(token).decode(LoginAnswer.self).userinfo?.nickName == "阿明 🐼", "refused updates change nothing")
            let anonymous = try await client.post("/user/profile", headers: ["content-type": "application/json"], body: ByteBuffer(string: #"{"nickName":"x"}"#))
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test("the Flask tutorial's payload shape works unchanged")
    func flaskShape() async throws {
        try await Harness.withService(Harness.development()) { (running, client) async throws in
            let device = try await #require(running.emulator).login(appID: running.appID)
            let response = try await client.login(
                #"{"platCode":"\#(device.code)","platUserInfoMap":{"encryptedData":"\#(device.encryptedData)","iv":"\#(device.iv)"}}"#
            )
            #expect(response.status == .ok)
            #expect(try response.decode(LoginAnswer.self).userinfo?.openId == device.openid)
        }
    }

    @Test("a form-encoded login works, even when its + signs arrived as spaces")
    func formLogin() async throws {
        try await Harness.withService(Harness.development()) { (running, client) async throws in
            let emulator = try #require(running.emulator)
            var device = try await emulator.login(appID: running.appID)
            while !device.encryptedData.contains("+") {
                device = try await emulator.login(appID: running.appID, openID: device.openid)
            }
            // An unescaped + in a form body decodes to a space.
            let form = "code=\(device.code)&encryptedData=\(device.encryptedData)&iv=\(device.iv.replacingOccurrences(of: "=", with: "%3D"))"
            let response = try await client.post("/user/wxlogin", headers: ["content-type": "application/x-www-form-urlencoded"], body: ByteBuffer(string: form))
            #expect(response.status == .ok, "\(response.text)")
            #expect(try response.decode(LoginAnswer.self).userinfo?.nickName == "微信用户")
        }
    }

    @Test("a code-only login yields a user with the openid only; a later login with a profile fills it in")
    func codeOnlyLogin() async throws {
        try await Harness.withService(Harness.development()) { (running, client) async throws in
            let emulator = try #require(running.emulator)
            let device = try await emulator.login(appID: running.appID, user: WxEmulatedUser(nickName: "Later"))
            let first = try await client.login(device, includeUserInfo: false).decode(LoginAnswer.self)
            #expect(first.userinfo?.openId == device.openid)
            #expect(first.userinfo?.nickName == nil)
            let again = try await emulator.login(appID: running.appID, openID: device.openid)
            let second = try await client.login(again).decode(LoginAnswer.self)
            #expect(second.userinfo?.nickName == "Later")
            let third = try await client.login(try await emulator.login(appID: running.appID, openID: device.openid), includeUserInfo: false)
            #expect(try third.decode(LoginAnswer.self).userinfo?.nickName == "Later")
            #expect(try jwtClaims(first.token ?? "")["sub"] as? String == jwtClaims(second.token ?? "")["sub"] as? String)
        }
    }

    @Test("login errors: missing, reused and invalid codes, bad data, rotated session key, bad signature, another app's watermark")
    func loginErrors() async throws {
        try await Harness.withService(Harness.development()) { (running, client) async throws in
            let emulator = try #require(running.emulator)
            func expect(_ response: TestResponse, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
                #expect(response.status.code == status, "\(response.text)", sourceLocation: sourceLocation)
                #expect(response.error?.error == code, sourceLocation: sourceLocation)
            }
            expect(try await client.login(#"{"encryptedData":"abc"}"#), 400, "wx_code_missing")
            expect(try await client.login(#"{"code":""}"#), 400, "wx_code_missing")
            expect(try await client.login("not json"), 400, "invalid_json")
            expect(try await client.login(#"{"code":"no-such-code"}"#), 400, "wx_code_invalid")

            let device = try await emulator.login(appID: running.appID)
            #expect(try await client.login(device).status == .ok)
            let callsBefore = await emulator.callCounts()["sns/jscode2session"] ?? 0
            expect(try await client.login(device), 400, "wx_code_used")
            #expect(await emulator.callCounts()["sns/jscode2session"] == callsBefore, "a replayed code does not reach WeChat")

            var tampered = FlatLogin(try await emulator.login(appID: running.appID))
            tampered.encryptedData = String(tampered.encryptedData!.dropLast(8)) + "AAAAAAA="
            expect(try await client.post("/user/wxlogin", json: tampered), 400, "wx_decrypt_failed")

            // The mini program called wx.login again before sending the first login's data.
            let stale = try await emulator.login(appID: running.appID)
            let fresh = try await emulator.login(appID: running.appID, openID: stale.openid)
            var mixed = FlatLogin(fresh)
            mixed.encryptedData = stale.encryptedData
            mixed.iv = stale.iv
            mixed.rawData = nil
            mixed.signature = nil
            let rotated = try await client.post("/user/wxlogin", json: mixed)
            expect(rotated, 400, "wx_decrypt_failed")
            #expect(rotated.error?.msg.contains("wx.login") == true)

            var forged = FlatLogin(try await emulator.login(appID: running.appID))
            forged.signature = String(repeating: "0", count: 40)
            expect(try await client.post("/user/wxlogin", json: forged), 400, "wx_signature_invalid")

            // Data watermarked for another app, sealed with the right session key.
            let foreign = try await emulator.login(appID: running.appID)
            let key = try #require(await emulator.sessionKey(of: foreign.openid))
            let wrongApp = try FlatLogin.watermarkedForAnotherApp(code: foreign.code, openID: foreign.openid, sessionKey: key)
            expect(try await client.post("/user/wxlogin", json: wrongApp), 400, "wx_watermark_mismatch")
        }
    }

    @Test("WeChat's failures reach the client with the documented status and code; the next login works")
    func upstreamErrors() async throws {
        try await Harness.withService(Harness.development()) { (running, client) async throws in
            let emulator = try #require(running.emulator)
            let cases: [(WxEmulatorFault, Int, String)] = [
                (WxEmulatorFault(endpoint: "sns/jscode2session", errcode: 45011, times: 1), 429, "wx_rate_limited"),
                (WxEmulatorFault(endpoint: "sns/jscode2session", errcode: 40226, times: 1), 403, "wx_user_blocked"),
                (WxEmulatorFault(endpoint: "sns/jscode2session", errcode: -1, times: 1), 502, "wx_upstream_error"),
                (WxEmulatorFault(endpoint: "sns/jscode2session", httpStatus: 500, times: 1), 502, "wx_upstream_error"),
                (WxEmulatorFault(endpoint: "sns/jscode2session", body: .html, times: 1), 502, "wx_upstream_error"),
                (WxEmulatorFault(endpoint: "sns/jscode2session", errcode: 40125, times: 1), 500, "wx_misconfigured"),
            ]
            for (fault, status, code) in cases {
                await emulator.inject(fault)
                let response = try await client.login(try await emulator.login(appID: running.appID))
                #expect(response.status.code == status, "\(code): \(response.text)")
                #expect(response.error?.error == code)
                #expect(try await client.get("/healthz").status == .ok)
            }
            #expect(try await client.login(try await emulator.login(appID: running.appID)).status == .ok)
        }
    }

    @Test("tokens: missing, malformed, forged, signed with another key, expired and revoked tokens are refused")
    func tokenErrors() async throws {
        try await Harness.withService(Harness.development(tokenLifetime: .seconds(2))) { (running, client) async throws in
            let emulator = try #require(running.emulator)
            let token = try #require(try await client.login(try await emulator.login(appID: running.appID)).decode(LoginAnswer.self).token)
            #expect(try await client.me(token).status == .ok)

            let missing = try await client.get("/user/me")
            #expect(missing.status == .unauthorized)
            #expect(missing.error?.error == "auth_required")
            #expect(missing.headers["www-authenticate"] == #"Bearer realm="miniweb""#)

            #expect(try await client.get("/user/me", headers: ["authorization": "Basic abc"]).error?.error == "auth_invalid")
            #expect(try await client.me("not-a-jwt").error?.error == "auth_invalid")
            #expect(try await client.me(String(token.dropLast(2))).error?.error == "auth_invalid")
            let parts = token.split(separator: ".")
            #expect(try await client.me("\(parts[0]).\(parts[1]).\(String(repeating: "A", count: 43))").error?.error == "auth_invalid")

            // Same claims and kid, another secret.
            let otherKey = LoginTokenKey.derived(fromSecret: "a different secret of enough length!!")
            let impostor = await LoginTokenSigner(keys: [LoginTokenKey(id: try #require(LoginTokenSignerKID.of(token)), bytes: otherKey.rawBytes)], audience: running.appID)
            let forged = try await impostor.issue(userID: "1", openID: "o", unionID: nil)
            #expect(try await client.me(forged.token).error?.error == "auth_invalid")

            try await Task.sleep(for: .milliseconds(2100))
            let expired = try await client.me(token)
            #expect(expired.status == .unauthorized)
            #expect(expired.error?.error == "auth_expired")
        }
    }

    @Test("40 concurrent first logins of one openid make one user")
    func concurrentFirstLogins() async throws {
        try await Harness.withService(Harness.development(database: .sqlite(path: FileManager.default.temporaryDirectory.appendingPathComponent("miniweb-\(UUID().uuidString).sqlite").path))) { (running, client) async throws in
            let emulator = try #require(running.emulator)
            let user = WxEmulatedUser()
            var codes: [String] = []
            for _ in 0..<40 {
                codes.append(try await emulator.login(appID: running.appID, user: user).code)
            }
            let subjects = try await withThrowingTaskGroup(of: String?.self) { group in
                for code in codes {
                    group.addTask {
                        let response = try await client.login(#"{"code":"\#(code)"}"#)
                        guard response.status == .ok, let token = try response.decode(LoginAnswer.self).token else { return nil }
                        return try jwtClaims(token)["sub"] as? String
                    }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(subjects.count == 40)
            #expect(subjects.allSatisfy { $0 != nil })
            #expect(Set(subjects).count == 1)
        }
    }

    @Test("GET /metrics reports requests by route, WeChat calls, logins and token verifications in Prometheus format")
    func metrics() async throws {
        try await Harness.withService(Harness.development()) { (running, client) async throws in
            let emulator = try #require(running.emulator)
            let token = try #require(try await client.login(try await emulator.login(appID: running.appID)).decode(LoginAnswer.self).token)
            _ = try await client.me(token)
            _ = try await client.me("forged")
            _ = try await client.login(#"{"code":"no-such-code"}"#)
            let metrics = try await client.get("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = metrics.text
            for line in [
                #"logins_total{outcome="new_user"} 1"#,
                #"logins_total{outcome="wx_code_invalid"} 1"#,
                #"token_verifications_total{outcome="valid"} 1"#,
                #"token_verifications_total{outcome="auth_invalid"} 1"#,
                #"wx_api_calls_total{endpoint="sns/jscode2session",errcode="0"} 1"#,
                #"wx_api_calls_total{endpoint="sns/jscode2session",errcode="40029"} 1"#,
                #"http_requests_total{route="/user/me",method="GET",status="200"} 1"#,
                #"http_requests_total{route="/user/me",method="GET",status="401"} 1"#,
            ] {
                #expect(text.contains(line), "missing: \(line)")
            }
            #expect(text.contains("http_request_duration_seconds_bucket{route=\"/user/wxlogin\""))
            #expect(!text.contains(token))
        }
    }

    @Test("login attempts are rate-limited per client address with 429 and Retry-After")
    func loginRateLimit() async throws {
        var configuration = Harness.development()
        configuration.loginRateLimit = (rate: 0.05, burst: 3)  // a token every 20 s: no refill during the test
        try await Harness.withService(configuration) { (_, client) async throws in
            for attempt in 0..<3 {
                #expect(try await client.login(#"{"code":"no-such-code-\#(attempt)"}"#).error?.error == "wx_code_invalid")
            }
            let limited = try await client.login(#"{"code":"no-such-code-either"}"#)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.error?.error == "rate_limited")
            // The wait left: 20 s less the time the three attempts took, rounded up.
            let retryAfter = Int(limited.headers["retry-after"] ?? "") ?? 0
            #expect((1...20).contains(retryAfter), "Retry-After: \(retryAfter)")
            // Other routes are not limited.
            #expect(try await client.get("/healthz").status == .ok)
        }
    }

    @Test("readiness and liveness")
    func health() async throws {
        try await Harness.withService(Harness.development()) { (_, client) async throws in
            #expect(try await client.get("/healthz").text == #"{"status":"ok"}"#)
            #expect(try await client.get("/readyz").text == #"{"status":"ready"}"#)
        }
    }
}

/// Reads a token's `kid`.
enum LoginTokenSignerKID {
    static func of(_ token: String) -> String? {
        let header = String(token.split(separator: ".")[0])
        var base64 = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["kid"] as? String
    }
}
