import Foundation
import MiniWeb
import MiniWebWxLogin

/// A user as the login service stores them.
public struct StoredUser: Sendable, Hashable {
    /// The app's user id.
    public let id: Int64
    /// The mini program the user belongs to.
    public let appID: String
    /// The openid.
    public let openID: String
    /// The unionid, when known.
    public let unionID: String?
    /// Profile fields, from the latest login that sent them.
    public let nickName: String?
    /// The avatar URL.
    public let avatarUrl: String?
    /// 0 unknown, 1 male, 2 female.
    public let gender: Int?
    /// The city.
    public let city: String?
    /// The province.
    public let province: String?
    /// The country.
    public let country: String?
    /// The language of the texts.
    public let language: String?
    /// The phone number with country code, once the user shared it.
    public let phoneNumber: String?
    /// The phone number without country code.
    public let purePhoneNumber: String?
    /// The phone's country code.
    public let countryCode: String?
    /// How many times the user has logged in (1 right after the first login).
    public let loginCount: Int
}

/// What a login writes.
public struct UserLogin: Sendable {
    /// The mini program.
    public let appID: String
    /// The openid.
    public let openID: String
    /// The unionid, when known.
    public let unionID: String?
    /// The decrypted profile, when the login sent one (kept otherwise).
    public let profile: WxUserInfo?
    /// The session key, already encrypted by ``SessionKeyVault``.
    public let encryptedSessionKey: String

    /// Creates a login record.
    public init(appID: String, openID: String, unionID: String?, profile: WxUserInfo?, encryptedSessionKey: String) {
        self.appID = appID
        self.openID = openID
        self.unionID = unionID
        self.profile = profile
        self.encryptedSessionKey = encryptedSessionKey
    }
}

/// The login service's storage: users, login sessions and a few settings. Implemented on SQLite
/// (``SQLiteUserStore``) and PostgreSQL (``PostgresUserStore``); both pass the same test suite.
public protocol UserStore: RevocationFeed {
    /// Creates or migrates the schema.
    func migrate() async throws
    /// Creates the user on first login, updates them on later ones, in one statement (many
    /// concurrent first logins of one openid make one user).
    func upsertUser(_ login: UserLogin) async throws -> StoredUser
    /// The user with this id.
    func user(id: Int64) async throws -> StoredUser?
    /// Records that a login session ended (logout). Sessions are not written when they start:
    /// a token carries everything needed to verify it, so only the end of a session is stored,
    /// for every instance to refuse its tokens until they expire.
    /// - Returns: The revocation, or `nil` when the session was already revoked.
    func revokeSession(id: String, userID: Int64, expiresAt: Date, at: Date) async throws -> RevokedSession?
    /// Stores a user's phone number.
    func storePhone(userID: Int64, phone: WxPhoneNumber) async throws -> StoredUser?
    /// Sets the profile fields the user chose in the mini program (`chooseAvatar`, the nickname
    /// input); a `nil` field keeps its stored value.
    /// - Returns: The updated user, or `nil` when there is no such user.
    func updateProfile(userID: Int64, nickName: String?, avatarURL: String?) async throws -> StoredUser?
    /// The user's encrypted session key.
    func encryptedSessionKey(userID: Int64) async throws -> String?
    /// Stores `value` under `key` unless a value is there, and returns the stored value.
    func settingInsertingIfAbsent(_ key: String, value: String) async throws -> String
    /// Checks that the database answers.
    func ping() async throws
}

/// The database could not be used: 503 to clients, details in the log.
public struct StoreError: Error, HTTPErrorConvertible, CustomStringConvertible {
    /// What failed, for logs.
    public let operation: String
    /// The driver's error, for logs.
    public let underlying: String

    /// Wraps a driver error.
    public init(_ operation: String, _ error: any Error) {
        self.operation = operation
        self.underlying = String(reflecting: error)
    }

    /// `database error in upsertUser: …`.
    public var description: String { "database error in \(self.operation): \(self.underlying)" }

    /// 503 `database_unavailable`.
    public var httpError: HTTPError {
        HTTPError(.serviceUnavailable, code: "database_unavailable", message: "The database is unavailable; try again shortly.", headers: ["retry-after": "1"])
    }
}
