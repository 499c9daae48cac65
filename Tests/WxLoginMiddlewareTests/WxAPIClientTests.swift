import Foundation
import Logging
import MiniWeb
import MiniWebTesting
import MiniWebWxLogin
import Testing
import WxEmulator

/// The WeChat API client against the emulator, over real loopback HTTP.
@Suite("WeChat API client")
struct WxAPIClientTests {
    typealias Harness = EmulatorHarness

    func expectError(_ kind: WxError.Kind, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            try await body()
            Issue.record("expected \(kind.rawValue), got success", sourceLocation: sourceLocation)
        } catch let error as WxError {
            #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected \(kind.rawValue), got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("code2Session returns the openid and the session key that decrypts the device's data")
    func code2Session() async throws {
        try await Harness.withClient { emulator, client in
            let user = WxEmulatedUser(unionID: "union-1", nickName: "Emu", gender: 2)
            let device = try await emulator.login(appID: Harness.appID, user: user)
            let session = try await client.code2Session(code: device.code)
            #expect(session.openID == user.openID)
            #expect(session.unionID == "union-1")
            #expect(session.sessionKey == (await emulator.sessionKey(of: user.openID)))
            #expect(!session.description.contains(session.sessionKey))

            let info = try WxDataCrypto(appID: Harness.appID).decrypt(WxUserInfo.self, encryptedData: device.encryptedData, iv: device.iv, sessionKey: session.sessionKey)
            #expect(info.nickName == "Emu")
            #expect(info.openId == user.openID)
            #expect(WxSignature.isValidRawDataSignature(device.signature, rawData: device.rawData, sessionKey: session.sessionKey))
        }
    }

    @Test("login codes are single-use, expire, belong to one app, and an empty code never reaches WeChat")
    func codeErrors() async throws {
        try await Harness.withClient(codeLifetime: .seconds(2)) { emulator, client in
            let device = try await emulator.login(appID: Harness.appID)
            _ = try await client.code2Session(code: device.code)
            await expectError(.codeUsed) { _ = try await client.code2Session(code: device.code) }
            await expectError(.codeInvalid) { _ = try await client.code2Session(code: "no-such-code") }
            await expectError(.codeMissing) { _ = try await client.code2Session(code: "") }

            let forOtherApp = try await emulator.login(appID: Harness.otherAppID)
            await expectError(.codeInvalid) { _ = try await client.code2Session(code: forOtherApp.code) }
            _ = try await client.code2Session(code: forOtherApp.code, appID: Harness.otherAppID)

            // A lifetime of 2 s: long enough for the steps above on a busy machine (the suite runs
            // in parallel with process-level tests).
            let stale = try await emulator.login(appID: Harness.appID)
            try await Task.sleep(for: .milliseconds(2100))
            await expectError(.codeInvalid) { _ = try await client.code2Session(code: stale.code) }

            // 3 real exchanges, 1 reuse, 1 unknown, 1 wrong app, 1 stale; the empty code was not sent.
            #expect(await emulator.callCounts()["sns/jscode2session"] == 6)
        }
    }

    @Test("a wrong secret or an unknown app id is a misconfiguration, logged without the secret")
    func misconfiguration() async throws {
        let logs = LogCapture()
        try await Harness.withClient(
            configure: { $0.apps = [WxAppCredentials(appID: Harness.appID, secret: "wrong-secret-value")] },
            logs: logs
        ) { emulator, client in
            let device = try await emulator.login(appID: Harness.appID)
            await expectError(.misconfigured) { _ = try await client.code2Session(code: device.code) }
            await expectError(.misconfigured) { _ = try await client.code2Session(code: device.code, appID: "wx-not-configured") }
            await expectError(.misconfigured) { _ = try await client.accessToken() }
        }
        #expect(logs.entries.contains { $0.level == .error })
        #expect(!logs.text.contains("wrong-secret-value"))
    }

    @Test("WeChat's errcodes map to typed errors and HTTP answers")
    func errcodeMapping() async throws {
        let expectations: [(Int, WxError.Kind, Int)] = [
            (40029, .codeInvalid, 400), (40163, .codeUsed, 400), (41008, .codeMissing, 400), (45011, .rateLimited, 429),
            (40226, .userBlocked, 403), (40013, .misconfigured, 500), (40125, .misconfigured, 500), (-1, .upstreamError, 502),
            (61234, .upstreamError, 502),
        ]
        try await Harness.withClient { emulator, client in
            for (errcode, kind, status) in expectations {
                await emulator.inject(WxEmulatorFault(endpoint: "sns/jscode2session", errcode: errcode, times: 1))
                let device = try await emulator.login(appID: Harness.appID)
                do {
                    _ = try await client.code2Session(code: device.code)
                    Issue.record("errcode \(errcode) succeeded")
                } catch let error as WxError {
                    #expect(error.kind == kind, "errcode \(errcode)")
                    #expect(error.errcode == errcode)
                    #expect(error.httpError.status.code == status, "errcode \(errcode)")
                    #expect(error.httpError.code == kind.rawValue)
                }
            }
            // errcode -1 on code2Session was not retried: the code may have been consumed.
            #expect(await emulator.callCounts()["sns/jscode2session"] == expectations.count)
        }
    }

    @Test("upstream faults: HTTP 500, HTML, truncated JSON and a huge body are 502s; a slow answer is a 504 within the timeout")
    func upstreamFaults() async throws {
        // A 2 s budget: the 10 MB body must arrive within it even on a slow (sanitizer) build.
        try await Harness.withClient(configure: { $0.requestTimeout = .seconds(2) }) { emulator, client in
            let faults: [(WxEmulatorFault, WxError.Kind)] = [
                (WxEmulatorFault(httpStatus: 500, times: 1), .upstreamError),
                (WxEmulatorFault(body: .html, times: 1), .upstreamError),
                (WxEmulatorFault(body: .truncated, times: 1), .upstreamError),
                (WxEmulatorFault(body: .huge, times: 1), .upstreamError),
                (WxEmulatorFault(delayMilliseconds: 3000, times: 1), .upstreamTimeout),
            ]
            for (fault, kind) in faults {
                await emulator.inject(fault)
                let device = try await emulator.login(appID: Harness.appID)
                let start = ContinuousClock.now
                await expectError(kind) { _ = try await client.code2Session(code: device.code) }
                #expect(ContinuousClock.now - start < .seconds(3), "\(fault)")
            }
            // WeChat has recovered: the next login works.
            let device = try await emulator.login(appID: Harness.appID)
            _ = try await client.code2Session(code: device.code)
        }
    }

    @Test("safe calls are retried on errcode -1 and transport errors; login codes are not")
    func retries() async throws {
        // A 20 s budget: retries stop when the budget would not cover the next backoff, and the
        // attempts are slow on a sanitizer build.
        try await Harness.withClient(configure: { $0.requestTimeout = .seconds(20) }) { emulator, client in
            await emulator.inject(WxEmulatorFault(endpoint: "cgi-bin/stable_token", errcode: -1, times: 2))
            _ = try await client.accessToken()
            #expect(await emulator.callCounts()["cgi-bin/stable_token"] == 3)

            await emulator.inject(WxEmulatorFault(endpoint: "sns/jscode2session", httpStatus: 500, times: 1))
            let device = try await emulator.login(appID: Harness.appID)
            await expectError(.upstreamError) { _ = try await client.code2Session(code: device.code) }
            #expect(await emulator.callCounts()["sns/jscode2session"] == 1)
        }
    }

    @Test("connection refused is retried for code2Session (nothing was sent) and then a 502")
    func connectionRefused() async throws {
        let client = WxAPIClient(
            configuration: WxAPIConfiguration(
                baseURL: "http://127.0.0.1:1",
                apps: [WxAppCredentials(appID: Harness.appID, secret: Harness.secret)],
                connectTimeout: .milliseconds(300),
                requestTimeout: .seconds(1),
                retryBaseDelay: .milliseconds(10)
            )
        )
        let start = ContinuousClock.now
        do {
            _ = try await client.code2Session(code: "any")
            Issue.record("connected to port 1")
        } catch {
            #expect([.upstreamError, .upstreamTimeout].contains(error.kind))
            #expect(error.httpError.status.code == 502 || error.httpError.status.code == 504)
        }
        // Within the one-second budget of the call, retries included.
        #expect(ContinuousClock.now - start < .milliseconds(1500))
        try await client.shutdown()
    }

    @Test("access tokens: 100 concurrent callers cause one stable_token call; an expired token is refreshed once")
    func accessTokenSingleFlight() async throws {
        try await Harness.withClient { emulator, client in
            await emulator.inject(WxEmulatorFault(endpoint: "cgi-bin/stable_token", delayMilliseconds: 200, times: 1))
            let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<100 {
                    group.addTask { try await client.accessToken() }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(tokens.count == 1)
            #expect(await emulator.callCounts()["cgi-bin/stable_token"] == 1)

            let device = try await emulator.login(appID: Harness.appID)
            let session = try await client.code2Session(code: device.code)
            try await client.checkSessionKey(openID: session.openID, sessionKey: session.sessionKey)
            #expect(await emulator.callCounts()["cgi-bin/stable_token"] == 1)

            await emulator.expireAccessTokens()
            try await client.checkSessionKey(openID: session.openID, sessionKey: session.sessionKey)
            let counts = await emulator.callCounts()
            #expect(counts["cgi-bin/stable_token"] == 2)
            #expect(counts["wxa/checksession"] == 3)
        }
    }

    @Test("checkSessionKey: the current key is valid; after another wx.login the old one is not")
    func checkSession() async throws {
        try await Harness.withClient { emulator, client in
            let first = try await emulator.login(appID: Harness.appID)
            let session = try await client.code2Session(code: first.code)
            try await client.checkSessionKey(openID: session.openID, sessionKey: session.sessionKey)

            let again = try await emulator.login(appID: Harness.appID, openID: session.openID)
            await expectError(.sessionKeyInvalid) { try await client.checkSessionKey(openID: session.openID, sessionKey: session.sessionKey) }
            let newSession = try await client.code2Session(code: again.code)
            #expect(newSession.sessionKey != session.sessionKey)
            #expect(newSession.openID == session.openID)
            // The first login's data no longer decrypts with the new key.
            #expect(throws: WxError.self) {
                try WxDataCrypto(appID: Harness.appID).decrypt(WxUserInfo.self, encryptedData: first.encryptedData, iv: first.iv, sessionKey: newSession.sessionKey)
            }

            let reset = try await client.resetUserSessionKey(openID: newSession.openID, sessionKey: newSession.sessionKey)
            #expect(reset.sessionKey != newSession.sessionKey)
            #expect(reset.sessionKey == (await emulator.sessionKey(of: session.openID)))
        }
    }

    @Test("phoneNumber exchanges the button's code once")
    func phoneNumber() async throws {
        try await Harness.withClient { emulator, client in
            let device = try await emulator.login(appID: Harness.appID, user: WxEmulatedUser(phoneNumber: "13912345678"))
            let phone = try await client.phoneNumber(code: device.phoneCode)
            #expect(phone.purePhoneNumber == "13912345678")
            #expect(phone.countryCode == "86")
            #expect(phone.watermark.appid == Harness.appID)
            await expectError(.codeUsed) { _ = try await client.phoneNumber(code: device.phoneCode) }
            await expectError(.codeMissing) { _ = try await client.phoneNumber(code: "") }
        }
    }

    @Test("no secret, session key or access token in the client's logs or errors")
    func noSecretsLeak() async throws {
        let logs = LogCapture()
        var secrets: [String] = [Harness.secret]
        var descriptions: [String] = []
        try await Harness.withClient(logs: logs) { emulator, client in
            let device = try await emulator.login(appID: Harness.appID)
            let session = try await client.code2Session(code: device.code)
            secrets.append(session.sessionKey)
            secrets.append(try await client.accessToken())
            await emulator.inject(WxEmulatorFault(endpoint: "wxa/checksession", errcode: -1, times: 1))
            try await client.checkSessionKey(openID: session.openID, sessionKey: session.sessionKey)
            for fault in [WxEmulatorFault(httpStatus: 500, times: 1), WxEmulatorFault(body: .html, times: 1), WxEmulatorFault(errcode: 40125, times: 1)] {
                await emulator.inject(fault)
                let next = try await emulator.login(appID: Harness.appID)
                do {
                    _ = try await client.code2Session(code: next.code)
                } catch let error as WxError {
                    descriptions.append(error.description)
                    descriptions.append(error.httpError.message)
                }
            }
        }
        #expect(descriptions.count == 6)
        #expect(!logs.entries.isEmpty)
        for secret in secrets {
            #expect(!logs.text.contains(secret))
            #expect(!descriptions.joined().contains(secret))
        }
    }

    @Test("load-test mode: any bench-<k>-… code logs in user k, whose payload decrypts with the returned key")
    func benchmarkMode() async throws {
        let emulator = WxEmulator(apps: [WxAppCredentials(appID: Harness.appID, secret: Harness.secret)], benchmarkUsers: 3)
        try await emulator.makeApplication(configuration: ServerConfiguration(port: 0)).test(.live) { (http) async throws in
            let lua = try await http.get("/emulator/benchmark/payloads.lua?appid=\(Harness.appID)").text
            #expect(lua.hasPrefix("payloads = {"))
            #expect(lua.components(separatedBy: "encryptedData = ").count == 4)
            let client = WxAPIClient(
                configuration: WxAPIConfiguration(baseURL: try #require(http.address).description, apps: [WxAppCredentials(appID: Harness.appID, secret: Harness.secret)])
            )
            let first = try await client.code2Session(code: "bench-1-run-0-1")
            let second = try await client.code2Session(code: "bench-1-run-0-2")
            #expect(first.openID == "obench1")
            #expect(first.sessionKey == second.sessionKey)
            await expectError(.codeInvalid) { _ = try await client.code2Session(code: "bench-7-run-0-1") }
            try await client.shutdown()
        }
    }

    @Test("calls over the concurrency cap wait briefly, then fail as wx_upstream_busy (503, Retry-After)")
    func concurrencyCap() async throws {
        try await Harness.withClient(configure: {
            $0.maxConcurrentCalls = 2
            $0.queueTimeout = .milliseconds(100)
            $0.requestTimeout = .seconds(10)  // the two admitted calls must finish, even on a slow build
        }) { emulator, client in
            await emulator.inject(WxEmulatorFault(endpoint: "sns/jscode2session", delayMilliseconds: 500))
            var codes: [String] = []
            for _ in 0..<3 { codes.append(try await emulator.login(appID: Harness.appID).code) }
            let start = ContinuousClock.now
            let outcomes = await withTaskGroup(of: String.self) { group in
                for code in codes {
                    group.addTask {
                        do {
                            _ = try await client.code2Session(code: code)
                            return "ok"
                        } catch {
                            return (error as? WxError)?.kind.rawValue ?? "\(error)"
                        }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.sorted() == ["ok", "ok", "wx_upstream_busy"])
            #expect(ContinuousClock.now - start < .seconds(4), "the third call waits briefly, not for the others to finish")
            #expect(WxError(.upstreamBusy).httpError.status == .serviceUnavailable)
            #expect(WxError(.upstreamBusy).httpError.headers["retry-after"] == "1")
            await emulator.clearFaults()
            _ = try await client.code2Session(code: try await emulator.login(appID: Harness.appID).code)
        }
    }
}
