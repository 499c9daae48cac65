import Foundation
import MiniWebWxLogin

/// The emulator's memory: apps, users and their session keys, codes, access tokens, faults and
/// call counts.
actor WxEmulatorState {
    struct IssuedCode {
        let appID: String
        let openID: String
        let issuedAt: ContinuousClock.Instant
        var used: Bool
    }

    struct AccessToken {
        let appID: String
        let expiresAt: ContinuousClock.Instant
    }

    /// What `jscode2session` and friends answer: a JSON object, or a WeChat error.
    enum Answer {
        case ok([String: any Sendable])
        case error(Int, String)
    }

    let secrets: [String: String]
    let codeLifetime: Duration
    /// Load-test users: codes `bench-<k>-<anything>` log in user `k` (see ``WxEmulator/benchmarkPayloads(appID:)``).
    let benchmarkSessionKeys: [String]
    let tokenLifetime: Duration
    private var users: [String: WxEmulatedUser] = [:]
    private var sessionKeys: [String: String] = [:]
    private var codes: [String: IssuedCode] = [:]
    private var phoneCodes: [String: IssuedCode] = [:]
    private var tokens: [String: AccessToken] = [:]
    private var stableTokens: [String: String] = [:]
    private var faults: [WxEmulatorFault] = []
    private var calls: [String: Int] = [:]

    init(apps: [WxAppCredentials], codeLifetime: Duration, tokenLifetime: Duration, benchmarkUsers: Int) {
        self.secrets = Dictionary(apps.map { ($0.appID, $0.secret) }, uniquingKeysWith: { first, _ in first })
        self.codeLifetime = codeLifetime
        self.tokenLifetime = tokenLifetime
        self.benchmarkSessionKeys = (0..<benchmarkUsers).map { _ in WxDataCrypto.makeSessionKey() }
    }

    /// `bench-<k>-…` codes of the load-test mode: unique per request, never stored, any number.
    private func benchmarkLogin(_ code: String) -> Answer? {
        guard !self.benchmarkSessionKeys.isEmpty, code.hasPrefix("bench-") else { return nil }
        guard let number = code.dropFirst(6).split(separator: "-").first.flatMap({ Int($0) }),
            self.benchmarkSessionKeys.indices.contains(number)
        else { return .error(40029, "invalid code") }
        return .ok(["openid": "obench\(number)", "session_key": self.benchmarkSessionKeys[number]])
    }

    // MARK: Device side

    /// Plays `wx.login` (+ `getUserInfo` and the phone button): a new code, and a new session
    /// key for the user (real WeChat rotates it on every `wx.login`).
    /// - Parameters:
    ///   - appID: The mini program.
    ///   - user: A profile to use (and remember); when `nil`, the remembered user `openID`, or a
    ///     new user.
    ///   - openID: Which remembered user logs in again.
    func login(appID: String, user: WxEmulatedUser?, openID: String?) throws -> WxDeviceLogin {
        guard self.secrets[appID] != nil else { throw WxEmulatorError.unknownApp(appID) }
        let stored = user ?? openID.flatMap { self.users[$0] } ?? WxEmulatedUser(openID: openID)
        self.users[stored.openID] = stored
        let sessionKey = WxDataCrypto.makeSessionKey()
        self.sessionKeys[stored.openID] = sessionKey
        let code = WxEmulatedUser.randomID(prefix: "0", length: 31)
        let phoneCode = WxEmulatedUser.randomID(prefix: "p", length: 31)
        let now = ContinuousClock.now
        self.codes[code] = IssuedCode(appID: appID, openID: stored.openID, issuedAt: now, used: false)
        self.phoneCodes[phoneCode] = IssuedCode(appID: appID, openID: stored.openID, issuedAt: now, used: false)

        let watermark = WxWatermark(appid: appID, timestamp: Int(Date().timeIntervalSince1970))
        let info = WxUserInfo(
            openId: stored.openID,
            unionId: stored.unionID,
            nickName: stored.nickName,
            avatarUrl: stored.avatarUrl,
            gender: stored.gender,
            city: stored.city,
            province: stored.province,
            country: stored.country,
            language: stored.language,
            watermark: watermark
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let sealedInfo = try WxDataCrypto.encrypt(try encoder.encode(info), sessionKey: sessionKey)
        let sealedPhone = try WxDataCrypto.encrypt(try encoder.encode(Self.phone(of: stored, watermark: watermark)), sessionKey: sessionKey)
        struct PublicProfile: Encodable {
            let nickName: String, gender: Int, language: String, city: String, province: String, country: String, avatarUrl: String
        }
        let rawData = String(
            decoding: try encoder.encode(
                PublicProfile(
                    nickName: stored.nickName, gender: stored.gender, language: stored.language, city: stored.city,
                    province: stored.province, country: stored.country, avatarUrl: stored.avatarUrl
                )
            ),
            as: UTF8.self
        )
        return WxDeviceLogin(
            code: code,
            encryptedData: sealedInfo.encryptedData,
            iv: sealedInfo.iv,
            rawData: rawData,
            signature: WxSignature.rawDataSignature(rawData: rawData, sessionKey: sessionKey),
            phoneCode: phoneCode,
            phoneEncryptedData: sealedPhone.encryptedData,
            phoneIv: sealedPhone.iv,
            openid: stored.openID
        )
    }

    static func phone(of user: WxEmulatedUser, watermark: WxWatermark) -> WxPhoneNumber {
        let full = user.countryCode == "86" ? user.phoneNumber : "+\(user.countryCode)\(user.phoneNumber)"
        return WxPhoneNumber(phoneNumber: full, purePhoneNumber: user.phoneNumber, countryCode: user.countryCode, watermark: watermark)
    }

    // MARK: WeChat API side

    /// Checks an app id and secret as WeChat does: 40013 for an unknown app, 40125 for a wrong secret.
    private func checkCredentials(appID: String?, secret: String?) -> Answer? {
        guard let appID, let expected = self.secrets[appID] else { return .error(40013, "invalid appid") }
        guard let secret, secret == expected else { return .error(40125, "invalid appsecret") }
        return nil
    }

    func code2Session(appID: String?, secret: String?, code: String?, grantType: String?) -> Answer {
        if let failure = self.checkCredentials(appID: appID, secret: secret) { return failure }
        guard grantType == "authorization_code" else { return .error(40002, "invalid grant_type") }
        if let code, let answer = self.benchmarkLogin(code) { return answer }
        let issued: IssuedCode
        switch Self.consume(code, appID: appID, from: &self.codes, lifetime: self.codeLifetime) {
        case .success(let code): issued = code
        case .failure(let answer): return answer.answer
        }
        guard let sessionKey = self.sessionKeys[issued.openID] else { return .error(-1, "system error") }
        var body: [String: any Sendable] = ["openid": issued.openID, "session_key": sessionKey]
        if let unionID = self.users[issued.openID]?.unionID { body["unionid"] = unionID }
        return .ok(body)
    }

    func issueToken(appID: String?, secret: String?, stable: Bool, forceRefresh: Bool) -> Answer {
        if let failure = self.checkCredentials(appID: appID, secret: secret) { return failure }
        let appID = appID ?? ""
        let now = ContinuousClock.now
        if stable, !forceRefresh, let current = self.stableTokens[appID], let token = self.tokens[current], token.expiresAt > now {
            return .ok(["access_token": current, "expires_in": Int((token.expiresAt - now).components.seconds)])
        }
        // A new token invalidates the app's previous one, as `cgi-bin/token` does in WeChat.
        if let previous = self.stableTokens[appID] { self.tokens[previous] = nil }
        let token = WxEmulatedUser.randomID(prefix: "ACCESS_TOKEN_", length: 48)
        self.tokens[token] = AccessToken(appID: appID, expiresAt: now + self.tokenLifetime)
        self.stableTokens[appID] = token
        return .ok(["access_token": token, "expires_in": Int(self.tokenLifetime.components.seconds)])
    }

    /// Expires every access token now (to test refresh on 42001).
    func expireTokens() {
        for (token, entry) in self.tokens {
            self.tokens[token] = AccessToken(appID: entry.appID, expiresAt: .now - .seconds(1))
        }
    }

    private func checkToken(_ token: String?) -> (appID: String, failure: Answer?) {
        guard let token, let entry = self.tokens[token] else { return ("", .error(40001, "invalid credential, access_token is invalid or not latest")) }
        guard entry.expiresAt > .now else { return (entry.appID, .error(42001, "access_token expired")) }
        return (entry.appID, nil)
    }

    func checkSession(accessToken: String?, openID: String?, signature: String?, sigMethod: String?, reset: Bool) -> Answer {
        let (_, failure) = self.checkToken(accessToken)
        if let failure { return failure }
        guard sigMethod == "hmac_sha256" else { return .error(87010, "invalid sig_method") }
        guard let openID, let sessionKey = self.sessionKeys[openID] else { return .error(40003, "invalid openid") }
        guard let signature, WxSignature.constantTimeEquals(signature, WxSignature.sessionSignature(sessionKey: sessionKey)) else {
            return .error(87009, "invalid signature")
        }
        guard reset else { return .ok([:]) }
        let newKey = WxDataCrypto.makeSessionKey()
        self.sessionKeys[openID] = newKey
        return .ok(["openid": openID, "session_key": newKey])
    }

    func phoneNumber(accessToken: String?, code: String?) -> Answer {
        let (appID, failure) = self.checkToken(accessToken)
        if let failure { return failure }
        let issued: IssuedCode
        switch Self.consume(code, appID: appID, from: &self.phoneCodes, lifetime: self.codeLifetime) {
        case .success(let code): issued = code
        case .failure(let answer): return answer.answer
        }
        guard let user = self.users[issued.openID] else { return .error(-1, "system error") }
        let phone = Self.phone(of: user, watermark: WxWatermark(appid: appID, timestamp: Int(Date().timeIntervalSince1970)))
        return .ok([
            "phone_info": [
                "phoneNumber": phone.phoneNumber,
                "purePhoneNumber": phone.purePhoneNumber,
                "countryCode": phone.countryCode,
                "watermark": ["appid": appID, "timestamp": phone.watermark.timestamp] as [String: any Sendable],
            ] as [String: any Sendable]
        ])
    }

    /// A refused code, as WeChat answers it.
    struct CodeRefusal: Error {
        let answer: Answer
    }

    /// Uses a one-time code as WeChat does: 41008 when missing, 40029 when unknown, of another
    /// app or expired, 40163 when already used.
    private static func consume(
        _ code: String?,
        appID: String?,
        from codes: inout [String: IssuedCode],
        lifetime: Duration
    ) -> Result<IssuedCode, CodeRefusal> {
        guard let code, !code.isEmpty else { return .failure(CodeRefusal(answer: .error(41008, "missing code"))) }
        guard var issued = codes[code], issued.appID == appID else { return .failure(CodeRefusal(answer: .error(40029, "invalid code"))) }
        guard !issued.used else { return .failure(CodeRefusal(answer: .error(40163, "code been used"))) }
        guard ContinuousClock.now - issued.issuedAt < lifetime else {
            return .failure(CodeRefusal(answer: .error(40029, "invalid code, code expired")))
        }
        issued.used = true
        codes[code] = issued
        return .success(issued)
    }

    /// The load-test users' login data: user `k`'s `encryptedData` and `iv`, sealed with the
    /// session key that any `bench-<k>-…` code returns.
    func benchmarkPayloads(appID: String) throws -> [(encryptedData: String, iv: String)] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try self.benchmarkSessionKeys.enumerated().map { number, key in
            let info = WxUserInfo(
                openId: "obench\(number)",
                nickName: "Bench \(number)",
                avatarUrl: "https://thirdwx.qlogo.cn/mmopen/vi_32/bench/132",
                gender: 0,
                city: "Guangzhou",
                province: "Guangdong",
                country: "CN",
                language: "zh_CN",
                watermark: WxWatermark(appid: appID, timestamp: Int(Date().timeIntervalSince1970))
            )
            return try WxDataCrypto.encrypt(try encoder.encode(info), sessionKey: key)
        }
    }

    /// The user's current session key (for tests that check rotation).
    func sessionKey(of openID: String) -> String? {
        self.sessionKeys[openID]
    }

    // MARK: Faults and counts

    func add(_ fault: WxEmulatorFault) {
        self.faults.append(fault)
    }

    func clearFaults() {
        self.faults.removeAll()
    }

    /// Counts a call to `endpoint` and returns the fault to apply to it, if any.
    func record(_ endpoint: String) -> WxEmulatorFault? {
        self.calls[endpoint, default: 0] += 1
        guard let index = self.faults.firstIndex(where: { $0.endpoint == nil || $0.endpoint == endpoint }) else { return nil }
        let fault = self.faults[index]
        if let times = fault.times {
            if times <= 1 {
                self.faults.remove(at: index)
            } else {
                self.faults[index].times = times - 1
            }
        }
        return fault
    }

    func callCounts() -> [String: Int] {
        self.calls
    }
}

/// Misuse of the emulator's device side.
public enum WxEmulatorError: Error, Sendable, CustomStringConvertible {
    /// The app id is not one the emulator was configured with.
    case unknownApp(String)

    /// A description.
    public var description: String {
        switch self {
        case .unknownApp(let appID): "the emulator has no app \(appID)"
        }
    }
}
