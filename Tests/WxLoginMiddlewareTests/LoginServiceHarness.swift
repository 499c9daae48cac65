import Foundation
import Logging
import LoginService
import MiniWeb
import MiniWebTesting
import MiniWebWxLogin
import ServiceLifecycle
import Testing
import WxEmulator

/// Runs SampleApp's login service on an ephemeral port for a test, and stops it afterwards.
enum LoginServiceHarness {
    /// A development-mode service on an in-memory SQLite database, with its own emulator.
    static func development(
        tokenLifetime: Duration = .seconds(3600),
        database: DatabaseURL = .sqlite(path: ":memory:")
    ) -> LoginServiceConfiguration {
        LoginServiceConfiguration(
            server: ServerConfiguration(host: "127.0.0.1", port: 0),
            database: database,
            tokenLifetime: tokenLifetime,
            revocationPollInterval: .milliseconds(200),
            loginRateLimit: (rate: 10_000, burst: 10_000)  // the tests log in often from one address
        )
    }

    static func withService<Value: Sendable>(
        _ configuration: LoginServiceConfiguration,
        logs: LogCapture? = nil,
        _ body: (LoginService.Running, TestClient) async throws -> Value
    ) async throws -> Value {
        let logger = logs?.logger(level: .trace) ?? Logger(label: "login-service-test")
        return try await withRunningService(logger: logger) { ready in
            LoginService(configuration: configuration, logger: logger) { ready($0) }
        } _: { running in
            try await TestClient.withClient(connectingTo: running.address) { client in try await body(running, client) }
        }
    }
}

/// The JSON answers of the login routes, as a client reads them.
struct LoginAnswer: Decodable {
    struct UserInfo: Decodable, Equatable {
        let openId: String
        let unionId: String?
        let nickName: String?
        let avatarUrl: String?
        let gender: Int?
        let city: String?
        let phoneNumber: String?
    }
    let code: Int
    let msg: String?
    let token: String?
    let expiresIn: Int?
    let userinfo: UserInfo?
}

extension TestClient {
    func login(_ json: String) async throws -> TestResponse {
        try await self.post("/user/wxlogin", headers: ["content-type": "application/json"], body: ByteBuffer(string: json))
    }

    func login(_ device: WxDeviceLogin, includeUserInfo: Bool = true) async throws -> TestResponse {
        try await self.post("/user/wxlogin", json: includeUserInfo ? FlatLogin(device) : FlatLogin(code: device.code))
    }

    func me(_ token: String) async throws -> TestResponse {
        try await self.get("/user/me", headers: ["authorization": "Bearer \(token)"])
    }
}

/// The flat login shape.
struct FlatLogin: Encodable {
    var code: String
    var encryptedData: String?
    var iv: String?
    var rawData: String?
    var signature: String?

    init(code: String) {
        self.code = code
    }

    init(_ device: WxDeviceLogin) {
        self.code = device.code
        self.encryptedData = device.encryptedData
        self.iv = device.iv
        self.rawData = device.rawData
        self.signature = device.signature
    }

    /// A login whose user info is sealed with the user's right session key but watermarked for
    /// another app: the server must refuse it with `wx_watermark_mismatch`.
    static func watermarkedForAnotherApp(code: String, openID: String, sessionKey: String) throws -> FlatLogin {
        let info = WxUserInfo(openId: openID, nickName: "x", watermark: WxWatermark(appid: "wx-someone-else", timestamp: 1))
        let sealed = try WxDataCrypto.encrypt(try JSONEncoder().encode(info), sessionKey: sessionKey)
        var login = FlatLogin(code: code)
        login.encryptedData = sealed.encryptedData
        login.iv = sealed.iv
        return login
    }
}

/// Reads a JWT's payload without verifying it (tests compare claims).
func jwtClaims(_ token: String) throws -> [String: Any] {
    let parts = token.split(separator: ".")
    var base64 = String(parts[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
    let data = try #require(Data(base64Encoded: base64))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}
