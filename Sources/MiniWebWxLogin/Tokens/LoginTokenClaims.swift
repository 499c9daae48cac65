import Foundation
import JWTKit

/// What a login token says: a standard JWT (HS256) that other services can verify with the key.
///
/// `sub` is the app's user id, `aud` the mini program's app id, `sid` the login session (revoked
/// on logout), `openid`/`unionid` the WeChat identity; `iat` and `exp` bound its life.
public struct LoginTokenClaims: JWTPayload, Equatable {
    /// The app's user id.
    public var sub: SubjectClaim
    /// The app id the token was issued for.
    public var aud: AudienceClaim
    /// The issuer.
    public var iss: IssuerClaim
    /// When it was issued.
    public var iat: IssuedAtClaim
    /// When it expires.
    public var exp: ExpirationClaim
    /// The login session id.
    public var sid: String
    /// The user's openid.
    public var openid: String
    /// The user's unionid, when known.
    public var unionid: String?

    /// The app's user id (`sub`).
    public var userID: String { self.sub.value }

    /// When the token expires (`exp`).
    public var expiresAt: Date { self.exp.value }

    /// Checks the expiry (the signature and key were checked before).
    public func verify(using algorithm: some JWTAlgorithm) throws {
        try self.exp.verifyNotExpired()
    }
}
