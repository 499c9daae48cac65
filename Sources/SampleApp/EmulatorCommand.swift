import ArgumentParser
import Foundation
import Logging
import MiniWeb
import MiniWebWxLogin
import WxEmulator

/// `SampleApp emulator`: runs the WeChat API emulator on its own, for local development against
/// a separately started `serve`, and for load tests.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run the WeChat API emulator (jscode2session, stable_token, ... and /emulator/device/login)."
    )

    @Option(help: "The address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to bind; 0 picks a free port.")
    var port: Int = 8081

    @Option(name: .customLong("app-id"), help: "The app id the emulator knows.")
    var appID: String = "wx0000000000000dev"

    @Option(name: .customLong("app-secret"), help: "The app's secret. Defaults to $WX_APP_SECRET.")
    var appSecret: String?

    @Option(name: .customLong("benchmark-users"), help: "Load-test mode: that many users whose codes are bench-<k>-<anything>.")
    var benchmarkUsers: Int = 0

    func run() async throws {
        CPUAffinity.sizeSharedEventLoopsToAllowedCPUs()
        guard let secret = self.appSecret ?? ProcessInfo.processInfo.environment["WX_APP_SECRET"], !secret.isEmpty else {
            throw ValidationError("Give the app secret with --app-secret or WX_APP_SECRET.")
        }
        var logger = Logger(label: "wx-emulator")
        logger.logLevel = .warning
        let emulator = WxEmulator(apps: [WxAppCredentials(appID: self.appID, secret: secret)], benchmarkUsers: self.benchmarkUsers, logger: logger)
        let app = try emulator.makeApplication(configuration: ServerConfiguration(host: self.host, port: self.port)) { address in
            FileHandle.standardOutput.write(Data("WeChat emulator listening on \(address)\n".utf8))
        }
        try await app.runService()
    }
}
