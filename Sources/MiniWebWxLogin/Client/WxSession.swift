/// What `code2Session` returns: who the user is, and the key of their current session.
public struct WxSession: Sendable, Hashable, CustomStringConvertible {
    /// The user's openid for this app.
    public let openID: String
    /// The session key (base64 of 16 bytes): decrypts the open data of this login. It is a
    /// secret: keep it on the server, never send it to the client. ``description`` leaves it out.
    public let sessionKey: String
    /// The user's unionid, when the app is bound to an Open Platform account (often absent).
    public let unionID: String?

    /// Creates a session.
    public init(openID: String, sessionKey: String, unionID: String?) {
        self.openID = openID
        self.sessionKey = sessionKey
        self.unionID = unionID
    }

    /// `openid oXYZ, unionid -, session key redacted`.
    public var description: String {
        "openid \(self.openID), unionid \(self.unionID ?? "-"), session key redacted"
    }
}
