import Foundation
import LoginService
import MiniWeb
import MiniWebTesting
import MiniWebWxLogin
import Testing
import WxEmulator

/// Two SampleApp instances on one PostgreSQL database, with one emulator as WeChat.
@Suite(
    "Several instances on PostgreSQL",
    .enabled(if: TestDatabases.postgresURL != nil, "MINIWEB_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (.ci/run sets it)")
)
struct MultiInstanceTests {
    @Test("a token from one instance works on the other; a logout on one is refused by the other within the poll interval")
    func sharedTokensAndLogout() async throws {
        let database = try #require(TestDatabases.postgresURL)
        let appID = "wx00000000000000c3"
        let secret = "multi-instance-secret-0123456789"
        let emulator = WxEmulator(apps: [WxAppCredentials(appID: appID, secret: secret)])
        try await emulator.makeApplication(configuration: ServerConfiguration(port: 0)).test(.live) { (emulatorClient) async throws in
            let emulatorAddress = try #require(emulatorClient.address)
            let configuration = LoginServiceConfiguration(
                server: ServerConfiguration(host: "127.0.0.1", port: 0),
                database: database,
                appID: appID,
                appSecret: secret,
                wxAPIBaseURL: emulatorAddress.description,
                sessionSecrets: ["a shared signing secret for both instances, 32+ chars"],
                revocationPollInterval: .milliseconds(200),
                loginRateLimit: (rate: 10_000, burst: 10_000)
            )
            try await LoginServiceHarness.withService(configuration) { (_, first) async throws in
                try await LoginServiceHarness.withService(configuration) { (_, second) async throws in
                    let device = try await emulator.login(appID: appID)
                    let token = try #require(try await first.login(device).decode(LoginAnswer.self).token)
                    #expect(try await second.me(token).status == .ok)
                    #expect(try await first.me(token).status == .ok)

                    #expect(try await first.post("/user/logout", headers: ["authorization": "Bearer \(token)"]).status == .noContent)
                    #expect(try await first.me(token).status == .unauthorized, "the instance that logged out refuses at once")
                    let start = ContinuousClock.now
                    var refused = false
                    while ContinuousClock.now - start < .seconds(3) {
                        if try await second.me(token).status == .unauthorized {
                            refused = true
                            break
                        }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    #expect(refused)
                    // 200 ms poll interval: refused well within one second.
                    #expect(ContinuousClock.now - start < .seconds(1))
                }
            }
        }
    }
}
