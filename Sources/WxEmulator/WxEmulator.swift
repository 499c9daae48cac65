import Logging
import MiniWeb
import MiniWebWxLogin

/// An emulator of WeChat's server API for mini programs, built on MiniWeb, for tests and for
/// local development without a real mini program or app secret.
///
/// It serves `sns/jscode2session`, `wxa/checksession`, `wxa/resetusersessionkey`,
/// `cgi-bin/token`, `cgi-bin/stable_token` and `wxa/business/getuserphonenumber` with WeChat's
/// quirks: JSON served as `text/plain`, success answers without `errcode`, single-use codes that
/// expire, app id and secret checked, `errcode`s as WeChat sends them, and a session key that
/// changes on every login.
///
/// Its "device" side plays the mini program: ``login(appID:user:openID:)`` (or
/// `POST /emulator/device/login`) returns a fresh code and the `encryptedData`, `iv`, `rawData`,
/// `signature` and phone code that a real client would post. Faults (delays, errcodes, HTTP 500,
/// truncated, HTML, huge or trickling bodies) are switched on with ``inject(_:)`` or
/// `POST /emulator/faults`.
public struct WxEmulator: Sendable {
    let state: WxEmulatorState
    let logger: Logger

    /// Creates an emulator.
    /// - Parameters:
    ///   - apps: The mini programs it knows, with their secrets.
    ///   - codeLifetime: How long a login code stays valid (WeChat: about five minutes).
    ///   - tokenLifetime: How long an access token stays valid (WeChat: two hours).
    ///   - benchmarkUsers: For load tests: that many users whose codes are `bench-<k>-<anything>`
    ///     (any number of them, each accepted); 0 (the default) disables the mode.
    ///   - logger: The logger.
    public init(
        apps: [WxAppCredentials],
        codeLifetime: Duration = .seconds(300),
        tokenLifetime: Duration = .seconds(7200),
        benchmarkUsers: Int = 0,
        logger: Logger = Logger(label: "wx-emulator")
    ) {
        self.state = WxEmulatorState(apps: apps, codeLifetime: codeLifetime, tokenLifetime: tokenLifetime, benchmarkUsers: benchmarkUsers)
        self.logger = logger
    }

    /// A router serving the emulated API and the device and fault endpoints.
    public func makeRouter() -> Router {
        let router = Router()
        self.addWeChatRoutes(to: router)
        self.addControlRoutes(to: router)
        return router
    }

    /// An application serving the emulator.
    /// - Parameters:
    ///   - configuration: Where to listen.
    ///   - onServerRunning: Called with the bound address.
    /// - Returns: The application; run it, or add it to a `ServiceGroup`.
    /// - Throws: Never in practice (the emulator's routes do not conflict).
    public func makeApplication(
        configuration: ServerConfiguration,
        onServerRunning: (@Sendable (ServerAddress) async -> Void)? = nil
    ) throws -> Application {
        try Application(router: self.makeRouter(), configuration: configuration, logger: self.logger, onServerRunning: onServerRunning)
    }

    /// Plays the mini program logging in: a new code (and session key) for a user.
    /// - Parameters:
    ///   - appID: The mini program.
    ///   - user: The profile; a new random user when `nil` and `openID` is unknown.
    ///   - openID: Log in again as this remembered user.
    /// - Returns: What the client would post to the app's server.
    /// - Throws: ``WxEmulatorError/unknownApp(_:)``.
    public func login(appID: String, user: WxEmulatedUser? = nil, openID: String? = nil) async throws -> WxDeviceLogin {
        try await self.state.login(appID: appID, user: user, openID: openID)
    }

    /// Switches a fault on.
    public func inject(_ fault: WxEmulatorFault) async {
        await self.state.add(fault)
    }

    /// Switches every fault off.
    public func clearFaults() async {
        await self.state.clearFaults()
    }

    /// Makes every access token expired (the next use answers 42001).
    public func expireAccessTokens() async {
        await self.state.expireTokens()
    }

    /// How many times each endpoint was called, e.g. `["cgi-bin/stable_token": 1]`.
    public func callCounts() async -> [String: Int] {
        await self.state.callCounts()
    }

    /// The user's current session key.
    public func sessionKey(of openID: String) async -> String? {
        await self.state.sessionKey(of: openID)
    }
}
