/// A token that ``LoginTokenSigner`` verified, as its cache of verified tokens keeps it: the
/// claims, and what ``WxAuthMiddleware`` attaches to each request that carries the token, made
/// once per token instead of on every request (the user, and the session id's hash for the
/// revocation check).
final class VerifiedLoginToken: Sendable {
    let claims: LoginTokenClaims
    /// The user of every request that carries the token: one instance, shared.
    let user: WxUser
    /// `claims.sid.hashValue`: how ``LoginSessionRevocations`` looks a session up.
    let sessionHash: Int

    init(claims: LoginTokenClaims, audience: String) {
        self.claims = claims
        self.user = WxUser(
            openID: claims.openid,
            unionID: claims.unionid,
            appID: audience,
            userID: claims.userID,
            sessionID: claims.sid,
            tokenExpiresAt: claims.expiresAt
        )
        self.sessionHash = claims.sid.hashValue
    }
}
