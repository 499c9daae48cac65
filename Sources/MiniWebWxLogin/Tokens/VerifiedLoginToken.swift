/// A token that ``LoginTokenSigner`` verified, as its cache of verified tokens keeps it: the
/// claims, and what ``WxAuthMiddleware`` attaches to each request that carries the token, made
/// once per token instead of on every request (the user as request storage holds it, and the
/// session id's hash for the revocation check).
final class VerifiedLoginToken: Sendable {
    let claims: LoginTokenClaims
    /// The request's user, boxed: storing the box in a request is a reference, not a copy of
    /// the user's fields into a new allocation.
    let user: WxUserBox
    /// `claims.sid.hashValue`: how ``LoginSessionRevocations`` looks a session up.
    let sessionHash: Int

    init(claims: LoginTokenClaims, audience: String) {
        self.claims = claims
        self.user = WxUserBox(
            WxUser(
                openID: claims.openid,
                unionID: claims.unionid,
                appID: audience,
                userID: claims.userID,
                sessionID: claims.sid,
                tokenExpiresAt: claims.expiresAt
            )
        )
        self.sessionHash = claims.sid.hashValue
    }
}
