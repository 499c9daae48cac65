import CoreMetrics
import Foundation
import Logging
import MiniWeb
import MiniWebWxLogin

/// SampleApp's routes: the login flow of a mini program's back end.
///
/// - `POST /user/wxlogin` (``WxLoginMiddleware``): creates or updates the user, opens a login
///   session and answers with the app's own token.
/// - `GET /user/me`, `POST /user/profile` (the nickname and avatar the user chose; `wx.request`
///   cannot send PATCH), `POST /user/logout`,
///   `POST /user/phone` (``WxAuthMiddleware``).
/// - `GET /healthz` (the process is up), `GET /readyz` (the database answers).
///
/// A class, not a struct: each route's closure captures `self`, and a handler's async frame (one
/// per request) then holds one reference rather than a copy of every dependency.
final class LoginRoutes: Sendable {
    let appID: String
    let store: any UserStore
    let signer: LoginTokenSigner
    let vault: SessionKeyVault
    let revocations: LoginSessionRevocations
    let wxClient: WxAPIClient
    let replayGuard: WxCodeReplayGuard
    let users: UserCache
    let loginRateLimit: RateLimitMiddleware
    let metrics: any MetricsFactory
    let logger: Logger

    init(
        appID: String,
        store: any UserStore,
        signer: LoginTokenSigner,
        vault: SessionKeyVault,
        revocations: LoginSessionRevocations,
        wxClient: WxAPIClient,
        replayGuard: WxCodeReplayGuard,
        users: UserCache,
        loginRateLimit: RateLimitMiddleware,
        metrics: any MetricsFactory,
        logger: Logger
    ) {
        self.appID = appID
        self.store = store
        self.signer = signer
        self.vault = vault
        self.revocations = revocations
        self.wxClient = wxClient
        self.replayGuard = replayGuard
        self.users = users
        self.loginRateLimit = loginRateLimit
        self.metrics = metrics
        self.logger = logger
    }

    func register(on router: Router) {
        router.get("/healthz") { _ in StatusBody(status: "ok") }
        router.get("/readyz") { _ in
            try await self.store.ping()
            return StatusBody(status: "ready")
        }

        let login = WxLoginMiddleware(client: self.wxClient, appID: self.appID, replayGuard: self.replayGuard, logger: self.logger, metrics: self.metrics)
        // `logins_total{outcome}`: `new_user` and `returning_user` here, failures in the middleware.
        let logins = CounterFamily(label: "logins_total", dimensions: ["outcome"], factory: self.metrics)
        router.post("/user/wxlogin", middleware: [self.loginRateLimit, login]) { request in try await self.login(request, logins: logins) }

        let user = router.group("/user", middleware: [WxAuthMiddleware(signer: self.signer, revocations: self.revocations, metrics: self.metrics)])
        user.get("/me") { request -> Response in try await self.me(request) }
        user.post("/profile") { request in try await self.updateProfile(request) }
        user.post("/logout") { request in try await self.logout(request) }
        user.post("/phone") { request in try await self.phone(request) }
    }

    private func login(_ request: Request, logins: CounterFamily) async throws -> Response {
        // The work around the two awaits is in never-inlined synchronous helpers, so that this
        // async frame (one per login) holds little more than the stored user.
        let stored = try await self.store.upsertUser(try self.userLogin(request))
        self.users.store(stored)
        let token = try await self.signer.issue(userID: String(stored.id), openID: stored.openID, unionID: stored.unionID)
        return self.loginResponse(request, stored, token, logins: logins)
    }

    @inline(never)
    private func userLogin(_ request: Request) throws -> UserLogin {
        let wxUser = try request.wxUser
        guard let sessionKey = wxUser.sessionKey else {
            throw HTTPError(.internalServerError, code: "internal_error", message: "Internal Server Error")
        }
        return UserLogin(
            appID: self.appID,
            openID: wxUser.openID,
            unionID: wxUser.unionID,
            profile: wxUser.userInfo,
            encryptedSessionKey: try self.vault.seal(sessionKey)
        )
    }

    @inline(never)
    private func loginResponse(_ request: Request, _ stored: StoredUser, _ token: IssuedLoginToken, logins: CounterFamily) -> Response {
        let outcome = stored.loginCount == 1 ? "new_user" : "returning_user"
        logins.increment(outcome)
        self.logger.info("Login", metadata: ["request_id": .string(request.id), "user_id": "\(stored.id)", "outcome": .string(outcome)])
        return LoginResponseBody(token: token.token, expiresIn: token.expiresIn, userinfo: UserInfoBody(stored)).makeResponse()
    }

    /// The token's user: from the cache when fresh, otherwise from the database.
    private func currentUser(_ request: Request) async throws -> StoredUser {
        let wxUser = try request.wxUser
        guard let id = wxUser.userID.flatMap(Int64.init) else { throw Self.userGone }
        if let cached = self.users.user(id: id), cached.openID == wxUser.openID {
            return cached
        }
        let store = self.store
        guard let user = try await self.users.load(id: id, { try await store.user(id: id) }), user.openID == wxUser.openID else {
            throw Self.userGone
        }
        return user
    }

    private static let userGone = HTTPError(
        .unauthorized,
        code: "auth_invalid",
        message: "The user of this token no longer exists.",
        headers: ["www-authenticate": #"Bearer realm="miniweb", error="invalid_token""#]
    )

    private func me(_ request: Request) async throws -> Response {
        // The cached answer comes from a synchronous function: this async frame stays small.
        if let response = try self.cachedMeResponse(request) {
            return response
        }
        return try await self.uncachedMeResponse(request)
    }

    // Never inlined: inline, its values (the user, the body, the response) would be part of the
    // frame of every `/user/me`, hit or miss.
    @inline(never)
    private func uncachedMeResponse(_ request: Request) async throws -> Response {
        Self.renderMe(try await self.currentUser(request))
    }

    @inline(never)
    private func cachedMeResponse(_ request: Request) throws -> Response? {
        let wxUser = try request.wxUser
        guard let id = wxUser.userID.flatMap(Int64.init) else { return nil }
        return self.users.meResponse(id: id, openID: wxUser.openID, render: Self.renderMe)
    }

    private static func renderMe(_ user: StoredUser) -> Response {
        MeResponseBody(userinfo: UserInfoBody(user)).makeResponse()
    }

    private func updateProfile(_ request: Request) async throws -> MeResponseBody {
        let user = try await self.currentUser(request)
        let update = try ProfileUpdate(validating: try request.decode(ProfileUpdate.Body.self))
        guard let updated = try await self.store.updateProfile(userID: user.id, nickName: update.nickName, avatarURL: update.avatarURL) else {
            throw Self.userGone
        }
        self.users.store(updated)
        return MeResponseBody(userinfo: UserInfoBody(updated))
    }

    private func logout(_ request: Request) async throws -> HTTPStatus {
        let wxUser = try request.wxUser
        if let sessionID = wxUser.sessionID, let userID = wxUser.userID.flatMap(Int64.init),
            let revoked = try await self.store.revokeSession(
                id: sessionID,
                userID: userID,
                expiresAt: wxUser.tokenExpiresAt ?? Date().addingTimeInterval(Double(self.signer.lifetime.components.seconds)),
                at: Date()
            )
        {
            self.revocations.add([revoked])
        }
        return .noContent
    }

    private struct PhoneRequest: Decodable {
        let code: String?
        let encryptedData: String?
        let iv: String?
    }

    private func phone(_ request: Request) async throws -> PhoneResponseBody {
        let user = try await self.currentUser(request)
        let body = try request.decode(PhoneRequest.self)
        let phone: WxPhoneNumber
        if let code = body.code, !code.isEmpty {
            phone = try await self.wxClient.phoneNumber(code: code, appID: self.appID)
        } else if let encryptedData = body.encryptedData, let iv = body.iv {
            guard let sealed = try await self.store.encryptedSessionKey(userID: user.id), let sessionKey = try? self.vault.open(sealed) else {
                throw WxError(.decryptFailed)
            }
            phone = try WxDataCrypto(appID: self.appID, logger: self.logger).decrypt(WxPhoneNumber.self, encryptedData: encryptedData, iv: iv, sessionKey: sessionKey)
        } else {
            throw HTTPError(.unprocessableContent, code: "invalid_body", message: "Send {\"code\"} from the phone-number button, or {\"encryptedData\", \"iv\"}.")
        }
        if let updated = try await self.store.storePhone(userID: user.id, phone: phone) {
            self.users.store(updated)
        }
        return PhoneResponseBody(phoneInfo: .init(phoneNumber: phone.phoneNumber, purePhoneNumber: phone.purePhoneNumber, countryCode: phone.countryCode))
    }
}
