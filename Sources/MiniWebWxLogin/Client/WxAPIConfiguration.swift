import Foundation

/// The credentials of one mini program: its app id and app secret.
public struct WxAppCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The app id, e.g. `wx4f4bc4dec97d474b`.
    public let appID: String
    /// The app secret. Never logged: ``description`` leaves it out.
    public let secret: String

    /// Creates credentials.
    public init(appID: String, secret: String) {
        self.appID = appID
        self.secret = secret
    }

    /// `wx4f4bc4dec97d474b (secret redacted)`.
    public var description: String { "\(self.appID) (secret redacted)" }
}

/// How ``WxAPIClient`` reaches WeChat.
public struct WxAPIConfiguration: Sendable {
    /// WeChat's API server, `https://api.weixin.qq.com`.
    public static let defaultBaseURL = "https://api.weixin.qq.com"

    /// The base URL of the API: WeChat's, or an emulator's.
    public var baseURL: String
    /// The mini programs this client serves (one or more).
    public var apps: [WxAppCredentials]
    /// How long to wait for a connection.
    public var connectTimeout: Duration
    /// How long one call may take in all: connection, answer and any retries.
    public var requestTimeout: Duration
    /// How many times a call that is safe to repeat is attempted (1 disables retries).
    public var maxAttempts: Int
    /// The first retry's delay; each further retry doubles it (with jitter).
    public var retryBaseDelay: Duration
    /// How long before its expiry an access token is refreshed.
    public var tokenRefreshMargin: Duration
    /// The largest response body read from WeChat; a larger one is an upstream error.
    public var maxResponseSize: Int
    /// How many connections to WeChat's API the pool keeps open at most (AsyncHTTPClient's soft
    /// limit, 8 by default there, caps concurrent logins: each waits for a free connection).
    public var maxConnections: Int
    /// How many calls to WeChat may be in flight at once; more wait up to ``queueTimeout`` for a
    /// turn, then fail with ``WxError/Kind/upstreamBusy`` (503).
    public var maxConcurrentCalls: Int
    /// How long a call waits for a turn when ``maxConcurrentCalls`` are in flight.
    public var queueTimeout: Duration

    /// Creates a configuration.
    /// - Parameters:
    ///   - baseURL: The API's base URL; WeChat's by default.
    ///   - apps: The mini programs served.
    ///   - connectTimeout: 3 s by default.
    ///   - requestTimeout: 5 s by default.
    ///   - maxAttempts: 3 by default.
    ///   - retryBaseDelay: 100 ms by default.
    ///   - tokenRefreshMargin: 5 minutes by default.
    ///   - maxResponseSize: 1 MiB by default.
    ///   - maxConnections: 64 by default.
    ///   - maxConcurrentCalls: 256 by default.
    ///   - queueTimeout: 1 s by default.
    public init(
        baseURL: String = WxAPIConfiguration.defaultBaseURL,
        apps: [WxAppCredentials],
        connectTimeout: Duration = .seconds(3),
        requestTimeout: Duration = .seconds(5),
        maxAttempts: Int = 3,
        retryBaseDelay: Duration = .milliseconds(100),
        tokenRefreshMargin: Duration = .seconds(300),
        maxResponseSize: Int = 1 << 20,
        maxConnections: Int = 64,
        maxConcurrentCalls: Int = 256,
        queueTimeout: Duration = .seconds(1)
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apps = apps
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxAttempts = max(1, maxAttempts)
        self.retryBaseDelay = retryBaseDelay
        self.tokenRefreshMargin = tokenRefreshMargin
        self.maxResponseSize = maxResponseSize
        self.maxConnections = max(1, maxConnections)
        self.maxConcurrentCalls = max(1, maxConcurrentCalls)
        self.queueTimeout = queueTimeout
    }

    /// The base URL from the environment variable `WX_API_BASE_URL`, or WeChat's.
    public static func baseURL(from environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        guard let value = environment["WX_API_BASE_URL"], !value.isEmpty else { return Self.defaultBaseURL }
        return value
    }
}
