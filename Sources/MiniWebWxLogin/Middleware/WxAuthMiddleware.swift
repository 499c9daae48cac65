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
public struct WxAuthMiddleware: Middleware {
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

    /// Verifies the bearer token and attaches the user.
    public func handle(_ request: Request, next: Responder) async throws -> Response {
        guard let authorization = request.headers["authorization"] else {
            if self.allowAnonymous {
                self.outcomes.increment("anonymous")
                return try await next(request)
            }
            self.outcomes.increment("auth_required")
            throw HTTPError(
                .unauthorized,
                code: "auth_required",
                message: "Log in first: send Authorization: Bearer <token>.",
                headers: ["www-authenticate": #"Bearer realm="miniweb""#]
            )
        }
        guard let token = Self.bearerToken(authorization) else {
            self.outcomes.increment("auth_invalid")
            throw LoginTokenSigner.invalid("The Authorization header must be 'Bearer <token>'.")
        }
        let claims: LoginTokenClaims
        do {
            claims = try await self.signer.verify(token)
        } catch {
            self.outcomes.increment(error.code)
            throw error
        }
        if let revocations, revocations.isRevoked(claims.sid) {
            self.outcomes.increment("revoked")
            throw LoginTokenSigner.invalid("The login session has ended (logged out): log in again.")
        }
        self.valid.increment()
        var request = request
        request.setWxUser(
            WxUser(
                openID: claims.openid,
                unionID: claims.unionid,
                appID: self.signer.audience,
                userID: claims.userID,
                sessionID: claims.sid,
                tokenExpiresAt: claims.expiresAt
            )
        )
        return try await next(request)
    }

    /// The token of `Bearer <token>` (scheme case-insensitive), without allocating for the check.
    static func bearerToken(_ authorization: String) -> String? {
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
        return String(authorization[index...])
    }
}
