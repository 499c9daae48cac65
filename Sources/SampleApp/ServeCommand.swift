import ArgumentParser
import CMallocTuning
import Foundation
import Logging
import LoginService
import MiniWeb
import MiniWebWxLogin
import ServiceLifecycle
import UnixSignals

/// `SampleApp serve`: runs the login service until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the login API (the default subcommand).",
        discussion: """
            Environment: WX_APP_ID and WX_APP_SECRET (without a secret, development mode: a \
            built-in WeChat emulator plays WeChat), SESSION_SECRET (token signing; comma-separated \
            for rotation, newest first), PORT, DATABASE_URL, WX_API_BASE_URL, LOG_LEVEL, LOG_FORMAT, METRICS_PORT, TRUSTED_PROXIES (comma-separated IPs whose X-Forwarded-For is believed).
            """
    )

    @Option(help: "The address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to bind; 0 picks a free port. Defaults to $PORT, else 8080.")
    var port: Int?

    @Option(help: "sqlite://FILE or postgres://USER:PASSWORD@HOST:PORT/DB. Defaults to $DATABASE_URL, else sqlite://sampleapp.sqlite.")
    var database: String?

    @Option(help: "Seconds one PostgreSQL operation may take (waiting for a connection included) before the request fails with 503.")
    var databaseTimeout: Double = 5

    @Option(name: .customLong("wx-api-base-url"), help: "WeChat's API base URL. Defaults to $WX_API_BASE_URL, else https://api.weixin.qq.com.")
    var wxAPIBaseURL: String?

    @Option(help: "The log level (trace, debug, info, notice, warning, error, critical). Defaults to $LOG_LEVEL, else info.")
    var logLevel: String?

    @Option(help: "text or json (one JSON object a line, for log shippers). Defaults to $LOG_FORMAT, else text.")
    var logFormat: String?

    @Option(help: "Serve GET /metrics on this port instead of the API's. Defaults to $METRICS_PORT.")
    var metricsPort: Int?

    @Flag(help: "Do not serve GET /metrics at all.")
    var noMetrics = false

    @Option(help: "Login attempts per second each client address may make in the long run.")
    var loginRate: Double = 2

    @Option(help: "Login attempts each client address may make at once.")
    var loginBurst: Int = 20

    func run() async throws {
        // Before anything starts SwiftNIO's shared event loops: one loop per CPU this process
        // may run on (`taskset`), not per CPU of the machine.
        CPUAffinity.sizeSharedEventLoopsToAllowedCPUs()
        let environment = ProcessInfo.processInfo.environment
        // CMallocTuning caps glibc's malloc arenas before main (see its source): two arenas kept
        // the soak test's memory growth under 10% (from about 25%) at the same throughput.
        let mallocArenas = miniweb_malloc_arena_limit()
        let levelName = self.logLevel ?? environment["LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelName.lowercased()) else {
            throw ValidationError("Unknown log level '\(levelName)'.")
        }
        let formatName = (self.logFormat ?? environment["LOG_FORMAT"] ?? "text").lowercased()
        var logger: Logger
        switch formatName {
        case "text": logger = Logger(label: "SampleApp")
        case "json": logger = Logger(label: "SampleApp") { label in JSONLogHandler(label: label) }
        default: throw ValidationError("Unknown log format '\(formatName)': use text or json.")
        }
        logger.logLevel = level
        if mallocArenas > 0 {
            logger.debug("Malloc arenas capped (MALLOC_ARENA_MAX overrides)", metadata: ["arenas": "\(mallocArenas)"])
        }

        let configuration: LoginServiceConfiguration
        do {
            configuration = try self.makeConfiguration(environment: environment)
            try configuration.validate()
        } catch let error as LoginServiceConfigurationError {
            throw ValidationError(error.description)
        } catch let error as DatabaseURLError {
            throw ValidationError("DATABASE_URL: \(error.description)")
        }

        let service = LoginService(configuration: configuration, logger: logger) { running in
            Self.printBanner(running, developmentMode: configuration.isDevelopmentMode)
        }
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }

    func makeConfiguration(environment: [String: String]) throws -> LoginServiceConfiguration {
        let port = try self.port ?? Self.port(fromEnvironment: environment["PORT"])
        let database = try DatabaseURL(parsing: self.database ?? environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "sqlite://sampleapp.sqlite")
        let secret = environment["WX_APP_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        let appID = environment["WX_APP_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? LoginServiceConfiguration.developmentAppID
        let sessionSecrets = (environment["SESSION_SECRET"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let metrics: LoginServiceConfiguration.MetricsExposure
        if self.noMetrics {
            metrics = .disabled
        } else if let port = try self.metricsPort ?? environment["METRICS_PORT"].flatMap({ $0.isEmpty ? nil : try Self.port(fromEnvironment: $0) }) {
            metrics = .separatePort(port)
        } else {
            metrics = .apiPort
        }
        guard self.databaseTimeout > 0, self.databaseTimeout <= 300 else {
            throw ValidationError("--database-timeout must be more than 0 and at most 300 seconds.")
        }
        let trustedProxies = Set((environment["TRUSTED_PROXIES"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        return LoginServiceConfiguration(
            server: ServerConfiguration(host: self.host, port: port),
            database: database,
            appID: appID,
            appSecret: secret,
            wxAPIBaseURL: self.wxAPIBaseURL ?? WxAPIConfiguration.baseURL(from: environment),
            sessionSecrets: sessionSecrets,
            databaseTimeout: .milliseconds(Int64(self.databaseTimeout * 1000)),
            metrics: metrics,
            loginRateLimit: (rate: self.loginRate, burst: self.loginBurst),
            trustedProxies: trustedProxies
        )
    }

    static func port(fromEnvironment value: String?) throws -> Int {
        guard let value, !value.isEmpty else { return 8080 }
        guard let port = Int(value), (0...65535).contains(port) else {
            throw ValidationError("PORT must be a number from 0 to 65535, not '\(value)'.")
        }
        return port
    }

    /// The startup lines on stdout (unbuffered: scripts wait for them).
    static func printBanner(_ running: LoginService.Running, developmentMode: Bool) {
        var lines = ["SampleApp listening on \(running.address) (database \(running.database))"]
        if developmentMode, let emulator = running.emulatorAddress {
            let api = running.address.description
            lines += [
                "",
                "*****************************************************************************",
                "*  DEVELOPMENT MODE: WX_APP_SECRET is not set, so a built-in WeChat emulator  *",
                "*  at \(emulator) plays WeChat. Never use this mode in production.",
                "*****************************************************************************",
                "",
                "Try the login flow (copy and paste):",
                "",
                "  # 1. The emulated mini program logs in and gets code, encryptedData, iv, rawData, signature:",
                "  LOGIN=$(curl -s -X POST \(emulator)/emulator/device/login -H 'content-type: application/json' -d '{\"appid\":\"\(running.appID)\"}')",
                "  # 2. It posts them to this server, which answers with a login token:",
                "  TOKEN=$(curl -s -X POST \(api)/user/wxlogin -H 'content-type: application/json' -d \"$LOGIN\" | sed -E 's/.*\"token\":\"([^\"]+)\".*/\\1/')",
                "  # 3. Authenticated calls:",
                "  curl -s \(api)/user/me -H \"authorization: Bearer $TOKEN\" -w '\\n'",
                "  curl -s -X POST \(api)/user/logout -H \"authorization: Bearer $TOKEN\" -o /dev/null -w '%{http_code}\\n'",
                "  curl -s \(api)/user/me -H \"authorization: Bearer $TOKEN\" -w '\\n'   # 401 auth_invalid: logged out",
                "",
            ]
        }
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
