import Foundation
import MiniWeb
import MiniWebWxLogin

/// Everything SampleApp's login service needs to run.
public struct LoginServiceConfiguration: Sendable {
    /// The app id used in development mode when `WX_APP_ID` is not set.
    public static let developmentAppID = "wx0000000000000dev"

    /// Where to listen and the HTTP limits.
    public var server: ServerConfiguration
    /// Where the data lives.
    public var database: DatabaseURL
    /// The mini program's app id (`WX_APP_ID`).
    public var appID: String
    /// The app secret (`WX_APP_SECRET`); `nil` means development mode: the WeChat emulator runs
    /// in-process and plays WeChat.
    public var appSecret: String?
    /// WeChat's API (`WX_API_BASE_URL`); ignored in development mode.
    public var wxAPIBaseURL: String
    /// Login-token signing secrets, newest first (`SESSION_SECRET`, comma-separated for
    /// rotation). Empty in development mode: a secret is generated and kept in the database.
    public var sessionSecrets: [String]
    /// How long a login token lives.
    public var tokenLifetime: Duration
    /// How often each instance polls the database for logouts made on other instances: the
    /// bound on how long a logged-out token may still work elsewhere.
    public var revocationPollInterval: Duration

    /// How long one database operation may take on PostgreSQL, waiting for a connection
    /// included: past it the request fails with 503 `database_unavailable` rather than waiting
    /// for the database to come back.
    public var databaseTimeout: Duration

    /// Where `GET /metrics` (Prometheus text format) is served.
    public var metrics: MetricsExposure
    /// Login attempts each client address may make: per second in the long run, and at once.
    public var loginRateLimit: (rate: Double, burst: Int)
    /// Reverse proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`); their own
    /// requests are not rate-limited.
    public var trustedProxies: Set<String>

    /// Where the metrics are served.
    public enum MetricsExposure: Sendable, Equatable {
        /// On the API's own port.
        case apiPort
        /// On a port of its own (bound to the same host), e.g. one only the monitoring network reaches.
        case separatePort(Int)
        /// Not at all.
        case disabled
    }

    /// Whether the emulator stands in for WeChat.
    public var isDevelopmentMode: Bool { self.appSecret == nil }

    /// Creates a configuration.
    public init(
        server: ServerConfiguration = ServerConfiguration(),
        database: DatabaseURL = .sqlite(path: "sampleapp.sqlite"),
        appID: String = LoginServiceConfiguration.developmentAppID,
        appSecret: String? = nil,
        wxAPIBaseURL: String = WxAPIConfiguration.defaultBaseURL,
        sessionSecrets: [String] = [],
        tokenLifetime: Duration = .seconds(7 * 24 * 3600),
        revocationPollInterval: Duration = .seconds(2),
        databaseTimeout: Duration = .seconds(5),
        metrics: MetricsExposure = .apiPort,
        loginRateLimit: (rate: Double, burst: Int) = (rate: 2, burst: 20),
        trustedProxies: Set<String> = []
    ) {
        self.server = server
        self.database = database
        self.appID = appID
        self.appSecret = appSecret
        self.wxAPIBaseURL = wxAPIBaseURL
        self.sessionSecrets = sessionSecrets
        self.tokenLifetime = tokenLifetime
        self.revocationPollInterval = revocationPollInterval
        self.databaseTimeout = databaseTimeout
        self.metrics = metrics
        self.loginRateLimit = loginRateLimit
        self.trustedProxies = trustedProxies
    }

    /// Checks what production mode requires.
    /// - Throws: ``LoginServiceConfigurationError`` naming the missing or weak setting.
    public func validate() throws {
        guard !self.isDevelopmentMode else { return }
        guard self.appID != Self.developmentAppID, !self.appID.isEmpty else {
            throw LoginServiceConfigurationError("WX_APP_SECRET is set, so WX_APP_ID must be set too (your mini program's app id).")
        }
        guard !self.sessionSecrets.isEmpty else {
            throw LoginServiceConfigurationError("SESSION_SECRET must be set (32 or more random characters) when WX_APP_SECRET is set.")
        }
        guard self.sessionSecrets.allSatisfy({ $0.count >= 32 }) else {
            throw LoginServiceConfigurationError("each SESSION_SECRET must be at least 32 characters long.")
        }
    }
}

/// A configuration SampleApp cannot run with.
public struct LoginServiceConfigurationError: Error, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public let description: String
    init(_ description: String) { self.description = description }
}

extension LoginServiceConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    /// The configuration without its secrets: swift-service-lifecycle logs the services it runs,
    /// and a configuration reaches logs through them.
    public var description: String {
        "LoginServiceConfiguration(server: \(self.server.host):\(self.server.port), database: \(self.database), appID: \(self.appID), "
            + "appSecret: \(self.appSecret == nil ? "none (development mode)" : "redacted"), wxAPIBaseURL: \(self.wxAPIBaseURL), "
            + "sessionSecrets: \(self.sessionSecrets.count) redacted, tokenLifetime: \(self.tokenLifetime))"
    }

    /// The same as ``description``: no secrets.
    public var debugDescription: String { self.description }
}
