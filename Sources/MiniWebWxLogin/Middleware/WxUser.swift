import Foundation

/// The WeChat user of a request, set by ``WxLoginMiddleware`` or ``WxAuthMiddleware``.
///
/// It is deliberately not `Encodable`: it can hold the session key, which must never reach a
/// client. Return your own types from handlers.
///
/// Immutable, and a class: a request stores a reference to it and reading `request.wxUser` costs
/// a retain, where a struct of eight fields was copied into a new allocation when stored and
/// field by field on every read. ``WxAuthMiddleware`` attaches the same instance to every
/// request of a token it has verified before.
public final class WxUser: Sendable, CustomStringConvertible {
    /// The user's openid for the app.
    public let openID: String
    /// The user's unionid, when known.
    public let unionID: String?
    /// The app id the user logged in to.
    public let appID: String
    /// The profile decrypted from `encryptedData` (login requests that sent one).
    public let userInfo: WxUserInfo?
    /// The session key of this login (login requests only): keep it on the server to decrypt
    /// later open data (e.g. an old-style phone number). Never send it to the client.
    public let sessionKey: String?
    /// The app's own user id (requests authenticated by a login token).
    public let userID: String?
    /// The login session the token belongs to (requests authenticated by a login token).
    public let sessionID: String?
    /// When the login token expires (requests authenticated by a login token).
    public let tokenExpiresAt: Date?

    /// Creates a user.
    public init(
        openID: String,
        unionID: String? = nil,
        appID: String,
        userInfo: WxUserInfo? = nil,
        sessionKey: String? = nil,
        userID: String? = nil,
        sessionID: String? = nil,
        tokenExpiresAt: Date? = nil
    ) {
        self.openID = openID
        self.unionID = unionID
        self.appID = appID
        self.userInfo = userInfo
        self.sessionKey = sessionKey
        self.userID = userID
        self.sessionID = sessionID
        self.tokenExpiresAt = tokenExpiresAt
    }

    /// `openid o…, unionid …, user 42` (never the session key).
    public var description: String {
        "openid \(self.openID), unionid \(self.unionID ?? "-"), user \(self.userID ?? "-")"
    }
}
