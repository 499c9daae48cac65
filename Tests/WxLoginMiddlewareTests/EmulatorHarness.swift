import Logging
import MiniWeb
import MiniWebTesting
import MiniWebWxLogin
import Testing
import WxEmulator

/// Runs a WeChat emulator on an ephemeral port and a WxAPIClient pointed at it.
enum EmulatorHarness {
    static let appID = "wx00000000000000a1"
    static let secret = "emulator-secret-0123456789abcdef"
    static let otherAppID = "wx00000000000000b2"
    static let otherSecret = "other-secret-fedcba9876543210"

    static func withClient<Value: Sendable>(
        codeLifetime: Duration = .seconds(300),
        configure: (inout WxAPIConfiguration) -> Void = { _ in },
        logs: LogCapture? = nil,
        _ body: (WxEmulator, WxAPIClient) async throws -> Value
    ) async throws -> Value {
        let emulator = WxEmulator(
            apps: [WxAppCredentials(appID: appID, secret: secret), WxAppCredentials(appID: otherAppID, secret: otherSecret)],
            codeLifetime: codeLifetime
        )
        let application = try emulator.makeApplication(configuration: ServerConfiguration(port: 0))
        return try await application.test(.live) { (testClient) async throws in
            let address = try #require(testClient.address)
            var configuration = WxAPIConfiguration(
                baseURL: address.description,
                apps: [WxAppCredentials(appID: appID, secret: secret), WxAppCredentials(appID: otherAppID, secret: otherSecret)],
                requestTimeout: .seconds(2),
                retryBaseDelay: .milliseconds(10)
            )
            configure(&configuration)
            let client = WxAPIClient(configuration: configuration, logger: logs?.logger(level: .trace) ?? Logger(label: "wx-api"))
            do {
                let value = try await body(emulator, client)
                try await client.shutdown()
                return value
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }
}
