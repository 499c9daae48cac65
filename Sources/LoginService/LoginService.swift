import Foundation
import Logging
import MiniWeb
import MiniWebWxLogin
import PostgresNIO
import Prometheus
import ServiceLifecycle
import WxEmulator

/// SampleApp's login service: the HTTP API, its database, the WeChat client, the revocation
/// poller and, in development mode, the WeChat emulator, run as one `Service`.
///
/// Run it in a `ServiceGroup` (SampleApp's `serve` does, with SIGINT/SIGTERM); a graceful shutdown
/// of the group stops everything in order.
public struct LoginService: Service, CustomStringConvertible, CustomDebugStringConvertible {
    /// What is running, for the startup banner and for tests.
    public struct Running: Sendable {
        /// The API's address.
        public let address: ServerAddress
        /// The app id served.
        public let appID: String
        /// The in-process WeChat emulator (development mode).
        public let emulator: WxEmulator?
        /// The emulator's address (development mode).
        public let emulatorAddress: ServerAddress?
        /// The database, without its password.
        public let database: String
    }

    /// The configuration.
    public let configuration: LoginServiceConfiguration
    private let logger: Logger
    private let onRunning: (@Sendable (Running) async -> Void)?

    /// Creates the service.
    /// - Parameters:
    ///   - configuration: The configuration (validated when the service runs).
    ///   - logger: The logger.
    ///   - onRunning: Called once the API is listening.
    public init(configuration: LoginServiceConfiguration, logger: Logger, onRunning: (@Sendable (Running) async -> Void)? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.onRunning = onRunning
    }

    /// `LoginService(…)` without secrets (swift-service-lifecycle logs its services).
    public var description: String { "LoginService(\(self.configuration))" }

    /// The same as ``description``.
    public var debugDescription: String { self.description }

    /// Runs until graceful shutdown.
    /// - Throws: A configuration, database or bind error at startup.
    public func run() async throws {
        try self.configuration.validate()
        guard self.configuration.isDevelopmentMode else {
            try await self.runService(wxAPIBaseURL: self.configuration.wxAPIBaseURL, appSecret: self.configuration.appSecret ?? "", emulator: nil)
            return
        }
        // Development mode: WeChat is played by the emulator, on a port of its own.
        let secret = WxDataCrypto.makeSessionKey()
        let emulator = WxEmulator(
            apps: [WxAppCredentials(appID: self.configuration.appID, secret: secret)],
            logger: Logger(label: "wx-emulator")
        )
        let (addresses, continuation) = AsyncStream<ServerAddress>.makeStream()
        let emulatorApp = try emulator.makeApplication(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
            onServerRunning: { address in
                continuation.yield(address)
                continuation.finish()
            }
        )
        let emulatorGroup = ServiceGroup(configuration: .init(services: [.init(service: emulatorApp)], logger: self.logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { continuation.finish() }
                try await emulatorGroup.run()
            }
            guard let emulatorAddress = await addresses.first(where: { _ in true }) else {
                try await tasks.waitForAll()
                return
            }
            do {
                try await self.runService(wxAPIBaseURL: emulatorAddress.description, appSecret: secret, emulator: (emulator, emulatorAddress))
            } catch {
                await emulatorGroup.triggerGracefulShutdown()
                throw error
            }
            await emulatorGroup.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    private func runService(wxAPIBaseURL: String, appSecret: String, emulator: (WxEmulator, ServerAddress)?) async throws {
        let store: any UserStore
        let postgres: PostgresUserStore?
        switch self.configuration.database {
        case .sqlite(let path):
            store = try await SQLiteUserStore(path: path, logger: self.logger)
            postgres = nil
        case .postgres:
            guard let configuration = self.configuration.database.postgresConfiguration else { return }
            let pg = PostgresUserStore(configuration: configuration, operationTimeout: self.configuration.databaseTimeout, logger: self.logger)
            store = pg
            postgres = pg
        }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            if let postgres {
                tasks.addTask { await postgres.client.run() }
            }
            defer { tasks.cancelAll() }
            try await self.withTimeout(.seconds(30), "connecting to and migrating the database \(self.configuration.database)") {
                try await store.migrate()
            }
            let secrets: [String]
            if self.configuration.sessionSecrets.isEmpty {
                // Development mode: a secret generated once and kept with the data, so tokens
                // survive restarts.
                secrets = [try await store.settingInsertingIfAbsent("development_session_secret", value: Data((0..<32).map { _ in UInt8.random(in: .min ... .max) }).base64EncodedString())]
            } else {
                secrets = self.configuration.sessionSecrets
            }
            let signer = await LoginTokenSigner(
                keys: secrets.map(LoginTokenKey.derived(fromSecret:)),
                audience: self.configuration.appID,
                lifetime: self.configuration.tokenLifetime
            )
            let revocations = LoginSessionRevocations(feed: store, pollInterval: self.configuration.revocationPollInterval, logger: self.logger)
            // The service's own registry, given to every component (no process-wide bootstrap).
            let registry = PrometheusCollectorRegistry()
            let metrics = PrometheusMetricsFactory(registry: registry)
            let wxClient = WxAPIClient(
                configuration: WxAPIConfiguration(
                    baseURL: wxAPIBaseURL,
                    apps: [WxAppCredentials(appID: self.configuration.appID, secret: appSecret)]
                ),
                logger: self.logger,
                metrics: metrics
            )
            let router = Router()
            router.add(middleware: MetricsMiddleware(factory: metrics))
            router.add(middleware: RequestIDMiddleware())
            router.add(middleware: RequestLoggingMiddleware(logger: self.logger))
            router.add(middleware: CompressionMiddleware())
            LoginRoutes(
                appID: self.configuration.appID,
                store: store,
                signer: signer,
                vault: SessionKeyVault(secrets: secrets),
                revocations: revocations,
                wxClient: wxClient,
                replayGuard: WxCodeReplayGuard(),
                users: UserCache(),
                loginRateLimit: RateLimitMiddleware(
                    rate: self.configuration.loginRateLimit.rate,
                    burst: self.configuration.loginRateLimit.burst,
                    resolver: ClientAddressResolver(trustedProxies: self.configuration.trustedProxies)
                ),
                metrics: metrics,
                logger: self.logger
            ).register(on: router)
            var extraServices: [ServiceGroupConfiguration.ServiceConfiguration] = []
            switch self.configuration.metrics {
            case .apiPort:
                router.get("/metrics") { _ in Self.metricsResponse(registry) }
            case .separatePort(let port):
                let metricsRouter = Router()
                metricsRouter.get("/metrics") { _ in Self.metricsResponse(registry) }
                let metricsApp = try Application(
                    router: metricsRouter,
                    configuration: ServerConfiguration(host: self.configuration.server.host, port: port),
                    logger: self.logger
                )
                extraServices.append(.init(service: metricsApp))
            case .disabled:
                break
            }

            let configuration = self.configuration
            let onRunning = self.onRunning
            let app = try Application(
                router: router,
                configuration: configuration.server,
                logger: self.logger,
                onServerRunning: { address in
                    await onRunning?(
                        Running(address: address, appID: configuration.appID, emulator: emulator?.0, emulatorAddress: emulator?.1, database: configuration.database.description)
                    )
                }
            )
            let services = ServiceGroup(
                configuration: .init(
                    services: [.init(service: wxClient), .init(service: revocations)] + extraServices + [.init(service: app)],
                    logger: self.logger
                )
            )
            do {
                try await services.run()
            } catch {
                try? await wxClient.shutdown()
                throw error
            }
            if let sqlite = store as? SQLiteUserStore {
                await sqlite.close()
            }
        }
    }

    /// `GET /metrics`: every metric in the Prometheus text format.
    static func metricsResponse(_ registry: PrometheusCollectorRegistry) -> Response {
        Response(
            status: .ok,
            headers: ["content-type": "text/plain; version=0.0.4; charset=utf-8"],
            body: ByteBuffer(bytes: registry.emitToBuffer())
        )
    }

    private func withTimeout(_ timeout: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { race in
            race.addTask {
                try await body()
                return true
            }
            race.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            let finished = try await race.next() ?? false
            race.cancelAll()
            guard finished else {
                throw LoginServiceConfigurationError("timed out after \(timeout) \(what)")
            }
        }
    }
}
