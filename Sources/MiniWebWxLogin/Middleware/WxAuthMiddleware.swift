import CoreMetrics
import MiniWeb

/// Authenticates requests by the app's own login token (`Authorization: Bearer …`) and attaches
/// ``MiniWeb/Request/wxUser`` (openid, unionid, the app's user id and session id).
///
/// Without a token the answer is 401 `auth_required`; with a token that is malformed, forged,
/// signed with an unknown key, issued for another app or revoked (logged out) it is 401
/// `auth_invalid`; with an expired token 401 `auth_expired`. Each 401 carries
/// `WWW-Authenticate: Bearer`. With `allowAnonymous`, requests without any token pass with no
/// user (a present but bad token is still refused). Each request is counted in
/// `token_verifications_total{outcome}`: `valid`, `anonymous`, `auth_required`, `auth_invalid`,
/// `auth_expired` or `revoked`.
public struct WxAuthMiddleware: SynchronousMiddleware {
    private let signer: LoginTokenSigner
    private let revocations: LoginSessionRevocations?
    private let allowAnonymous: Bool
    private let outcomes: CounterFamily
    /// The outcome of nearly every request, kept as a handle: no family lookup per request.
    private let valid: Counter

    /// Creates the middleware.
    /// - Parameters:
    ///   - signer: Verifies tokens.
    ///   - revocations: Logged-out sessions; `nil` to skip the check.
    ///   - allowAnonymous: Let requests without a token through, with no user.
    ///   - metrics: Where `token_verifications_total` goes; the process's `MetricsSystem` by default.
    public init(
        signer: LoginTokenSigner,
        revocations: LoginSessionRevocations?,
        allowAnonymous: Bool = false,
        metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.signer = signer
        self.revocations = revocations
        self.allowAnonymous = allowAnonymous
        self.outcomes = CounterFamily(label: "token_verifications_total", dimensions: ["outcome"], factory: metrics)
        self.valid = self.outcomes.counter("valid")
    }

    /// Attaches the user of a token this process has verified before (the signer's cache), or
    /// refuses a missing or known-bad token, without suspending; a token not verified yet
    /// continues in ``willRespondAsynchronously(to:)``. Synchronous on its common path, the
    /// middleware shares one asynchronous step with the synchronous middlewares around it.
    public func willRespond(to request: Request) throws -> MiddlewareDecision {
        guard let authenticated = try self.authenticateFromCache(request) else {
            return .continueAsynchronously
        }
        return .passChanged(authenticated)
    }

    /// Verifies a token that is not in the signer's cache yet, and attaches its user.
    public func willRespondAsynchronously(to request: Request) async throws -> MiddlewareDecision {
        .passChanged(try await self.authenticate(request))
    }

    /// The request with its user when its token is in the signer's cache of verified tokens (or
    /// when it is anonymous and that is allowed); `nil` when it needs a full verification.
    private func authenticateFromCache(_ request: Request) throws -> Request? {
        guard let authorization = request.headers["authorization"] else {
            if self.allowAnonymous {
                self.outcomes.increment("anonymous")
                return request
            }
            self.outcomes.increment("auth_required")
            throw HTTPError(
                .unauthorized,
                code: "auth_required",
                message: "Log in first: send Authorization: Bearer <token>.",
                headers: ["www-authenticate": #"Bearer realm="miniweb""#]
            )
        }
        let cached: VerifiedLoginToken?
        do {
            cached = try self.signer.cachedVerification(of: try self.token(from: authorization))
        } catch {
            self.outcomes.increment(error.code)
            throw error
        }
        guard let cached else { return nil }
        return try self.attach(cached, to: request)
    }

    /// A full verification, for a token that `authenticateFromCache` found present and not cached.
    private func authenticate(_ request: Request) async throws -> Request {
        let verified: VerifiedLoginToken
        do {
            verified = try await self.signer.verification(of: String(try self.token(from: request.headers["authorization"] ?? "")))
        } catch {
            self.outcomes.increment(error.code)
            throw error
        }
        return try self.attach(verified, to: request)
    }

    private func token(from authorization: String) throws(HTTPError) -> Substring {
        guard let token = Self.bearerToken(authorization) else {
            throw LoginTokenSigner.invalid("The Authorization header must be 'Bearer <token>'.")
        }
        return token
    }

    /// Refuses a revoked session, or returns the request with its user.
    private func attach(_ verified: VerifiedLoginToken, to request: Request) throws(HTTPError) -> Request {
        if let revocations, revocations.isRevoked(sessionHash: verified.sessionHash) {
            self.outcomes.increment("revoked")
            throw LoginTokenSigner.invalid("The login session has ended (logged out): log in again.")
        }
        self.valid.increment()
        var request = request
        request.setWxUser(verified.user)
        return request
    }

    static func bearerToken(_ authorization: String) -> Substring? {
        let utf8 = authorization.utf8
        guard utf8.count > 7 else { return nil }
        var index = utf8.startIndex
        for expected in "bearer ".utf8 {
            let byte = utf8[index]
            guard byte == expected || (expected != UInt8(ascii: " ") && byte == expected - 32) else { return nil }
            index = utf8.index(after: index)
        }
        while index < utf8.endIndex, utf8[index] == UInt8(ascii: " ") { index = utf8.index(after: index) }
        guard index < utf8.endIndex else { return nil }
        return authorization[index...]
    }
}
