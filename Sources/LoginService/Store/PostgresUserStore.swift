import Foundation
import Logging
import MiniWebWxLogin
import PostgresNIO

/// ``UserStore`` on PostgreSQL (vapor/postgres-nio): for several stateless instances sharing one
/// database.
///
/// The connection pool (``client``) is a swift-service-lifecycle `Service`: run it in the
/// application's `ServiceGroup`; queries wait for it. Migrations take an advisory lock, so
/// instances starting together apply each migration once.
public final class PostgresUserStore: UserStore {
    /// The connection pool; run it as a service.
    public let client: PostgresClient
    private let logger: Logger

    /// How long one operation may take, waiting for a connection included.
    public let operationTimeout: Duration

    /// Creates a store on a connection pool (not connected until ``client`` runs).
    /// - Parameters:
    ///   - configuration: Where the server is and how to log in.
    ///   - operationTimeout: How long one operation may take, waiting for a connection included;
    ///     past it the operation fails with a ``StoreError`` (503). The pool has no such limit of
    ///     its own: without it, a request would wait as long as the server is down.
    ///   - logger: The logger.
    public init(configuration: PostgresClient.Configuration, operationTimeout: Duration = .seconds(5), logger: Logger) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.operationTimeout = operationTimeout
        self.logger = logger
    }

    /// Runs one operation under ``operationTimeout``, its failures as ``StoreError``s.
    private func run<Value: Sendable>(_ operation: String, _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await withStoreDeadline(self.operationTimeout, operation: operation, body)
    }

    public func migrate() async throws {
        do {
            try await self.client.withTransaction(logger: self.logger) { connection in
                // A fixed key: one migrator at a time across every instance.
                try await connection.query("SELECT pg_advisory_xact_lock(727274)", logger: self.logger)
                try await connection.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)", logger: self.logger)
                var applied = 0
                for try await version in try await connection.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", logger: self.logger).decode(Int.self) {
                    applied = version
                }
                for migration in StoreSchema.migrations(for: .postgres) where migration.version > applied {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                    }
                    try await connection.query("INSERT INTO schema_migrations (version) VALUES (\(migration.version))", logger: self.logger)
                    self.logger.info("Applied database migration", metadata: ["version": "\(migration.version)", "database": "postgres"])
                }
            }
        } catch {
            throw StoreError("migrate", error)
        }
    }

    /// The two forms of the login's upsert, built once.
    private static let upsertWithProfile = StoreSchema.upsertUser(withProfile: true) { "$\($0)" }
    private static let upsertWithoutProfile = StoreSchema.upsertUser(withProfile: false) { "$\($0)" }

    public func upsertUser(_ login: UserLogin) async throws -> StoredUser {
        let profile = login.profile
        var binds = PostgresBindings(capacity: 12)
        binds.append(login.appID)
        binds.append(login.openID)
        binds.append(login.unionID)
        binds.append(login.encryptedSessionKey)
        binds.append(profile?.nickName)
        binds.append(profile?.avatarUrl)
        binds.append(profile?.gender)
        binds.append(profile?.city)
        binds.append(profile?.province)
        binds.append(profile?.country)
        binds.append(profile?.language)
        binds.append(Date().timeIntervalSince1970)
        let query = PostgresQuery(unsafeSQL: profile != nil ? Self.upsertWithProfile : Self.upsertWithoutProfile, binds: binds)
        guard let user = try await self.users(query, operation: "upsertUser").first else {
            throw StoreError("upsertUser", PostgresStoreFailure.noRowReturned)
        }
        return user
    }

    public func user(id: Int64) async throws -> StoredUser? {
        try await self.users("SELECT \(unescaped: StoreSchema.userColumns) FROM users WHERE id = \(id)", operation: "user").first
    }

    public func revokeSession(id: String, userID: Int64, expiresAt: Date, at date: Date) async throws -> RevokedSession? {
        try await self.run("revokeSession") {
            let expires = expiresAt.timeIntervalSince1970
            let revoked = date.timeIntervalSince1970
            let rows = try await self.client.query(
                """
                INSERT INTO login_sessions (id, user_id, created_at, expires_at, revoked_at) VALUES (\(id), \(userID), \(revoked), \(expires), \(revoked))
                ON CONFLICT (id) DO UPDATE SET revoked_at = excluded.revoked_at WHERE login_sessions.revoked_at IS NULL
                RETURNING expires_at
                """,
                logger: self.logger
            )
            for try await expiresAt in rows.decode(Double.self) {
                return RevokedSession(sessionID: id, revokedAt: date, expiresAt: Date(timeIntervalSince1970: expiresAt))
            }
            return nil
        }
    }

    public func revokedSessions(since: Date) async throws -> [RevokedSession] {
        try await self.run("revokedSessions") {
            let rows = try await self.client.query(
                "SELECT id, revoked_at, expires_at FROM login_sessions WHERE revoked_at >= \(since.timeIntervalSince1970)",
                logger: self.logger
            )
            var sessions: [RevokedSession] = []
            for try await (id, revokedAt, expiresAt) in rows.decode((String, Double, Double).self) {
                sessions.append(RevokedSession(sessionID: id, revokedAt: Date(timeIntervalSince1970: revokedAt), expiresAt: Date(timeIntervalSince1970: expiresAt)))
            }
            return sessions
        }
    }

    public func storePhone(userID: Int64, phone: WxPhoneNumber) async throws -> StoredUser? {
        try await self.users(
            """
            UPDATE users SET phone_number = \(phone.phoneNumber), pure_phone_number = \(phone.purePhoneNumber),
                country_code = \(phone.countryCode), updated_at = \(Date().timeIntervalSince1970)
            WHERE id = \(userID) RETURNING \(unescaped: StoreSchema.userColumns)
            """,
            operation: "storePhone"
        ).first
    }

    public func updateProfile(userID: Int64, nickName: String?, avatarURL: String?) async throws -> StoredUser? {
        try await self.users(
            """
            UPDATE users SET nick_name = COALESCE(\(nickName), nick_name), avatar_url = COALESCE(\(avatarURL), avatar_url),
                updated_at = \(Date().timeIntervalSince1970)
            WHERE id = \(userID) RETURNING \(unescaped: StoreSchema.userColumns)
            """,
            operation: "updateProfile"
        ).first
    }

    public func encryptedSessionKey(userID: Int64) async throws -> String? {
        try await self.run("sessionKey") {
            for try await key in try await self.client.query("SELECT session_key_enc FROM users WHERE id = \(userID)", logger: self.logger).decode(String.self) {
                return key
            }
            return nil
        }
    }

    public func settingInsertingIfAbsent(_ key: String, value: String) async throws -> String {
        try await self.run("setting") {
            try await self.client.query("INSERT INTO settings (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO NOTHING", logger: self.logger)
            for try await stored in try await self.client.query("SELECT value FROM settings WHERE key = \(key)", logger: self.logger).decode(String.self) {
                return stored
            }
            throw PostgresStoreFailure.noRowReturned
        }
    }

    public func ping() async throws {
        try await self.run("ping") {
            for try await _ in try await self.client.query("SELECT 1", logger: self.logger) {}
        }
    }

    private func users(_ query: PostgresQuery, operation: String) async throws -> [StoredUser] {
        try await self.run(operation) {
            var users: [StoredUser] = []
            for try await row in try await self.client.query(query, logger: self.logger) {
                let columns = row.makeRandomAccess()
                users.append(
                    StoredUser(
                        id: try columns["id"].decode(Int64.self),
                        appID: try columns["app_id"].decode(String.self),
                        openID: try columns["openid"].decode(String.self),
                        unionID: try columns["unionid"].decode(String?.self),
                        nickName: try columns["nick_name"].decode(String?.self),
                        avatarUrl: try columns["avatar_url"].decode(String?.self),
                        gender: try columns["gender"].decode(Int?.self),
                        city: try columns["city"].decode(String?.self),
                        province: try columns["province"].decode(String?.self),
                        country: try columns["country"].decode(String?.self),
                        language: try columns["language"].decode(String?.self),
                        phoneNumber: try columns["phone_number"].decode(String?.self),
                        purePhoneNumber: try columns["pure_phone_number"].decode(String?.self),
                        countryCode: try columns["country_code"].decode(String?.self),
                        loginCount: try columns["login_count"].decode(Int.self)
                    )
                )
            }
            return users
        }
    }
}

enum PostgresStoreFailure: Error {
    case noRowReturned
}
