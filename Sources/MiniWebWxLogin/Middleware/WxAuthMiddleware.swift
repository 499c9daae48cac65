import MiniWeb

/// Authenticates requests by the app's own login token (`Authorization: Bearer …`) and attaches
/// ``MiniWeb/Request/wxUser`` (openid, unionid, the app's user id and session id).
///
/// Without a token the answer is 401 `auth_required`; with a token that is malformed, forged,
/// signed with an unknown key, issued for another app or revoked (logged out) it is 401
/// `auth_invalid`; with an expired token 401 `auth_expired`. Each 401 carries
/// `WWW-Authenticate: Bearer`. With `allowAnonymous`, requests without any token pass with no
/// user (a present but bad token is still refused).
public struct WxAuthMiddleware: Middleware {
    private let signer: LoginTokenSigner
    private let revocations: LoginSessionRevocations?
    private let allowAnonymous: Bool

    /// Creates the middleware.
    /// - Parameters:
    ///   - signer: Verifies tokens.
    ///   - revocations: Logged-out sessions; `nil` to skip the check.
    ///   - allowAnonymous: Let requests without a token through, with no user.
    public init(signer: LoginTokenSigner, revocations: LoginSessionRevocations?, allowAnonymous: Bool = false) {
        self.signer = signer
        self.revocations = revocations
        self.allowAnonymous = allowAnonymous
    }

    /// Verifies the bearer token and attaches the user.
    public func handle(_ request: Request, next: Responder) async throws -> Response {
        guard let authorization = request.headers["authorization"] else {
            if self.allowAnonymous {
                return try await next(request)
            }
            throw HTTPError(
                .unauthorized,
                code: "auth_required",
                message: "Log in first: send Authorization: Bearer <token>.",
                headers: ["www-authenticate": #"Bearer realm="miniweb""#]
            )
        }
        guard let token = Self.bearerToken(authorization) else {
            throw LoginTokenSigner.invalid("The Authorization header must be 'Bearer <token>'.")
        }
        let claims = try await self.signer.verify(token)
        if let revocations, revocations.isRevoked(claims.sid) {
            throw LoginTokenSigner.invalid("The login session has ended (logged out): log in again.")
        }
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
