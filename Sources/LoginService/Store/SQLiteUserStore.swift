import Foundation
import Logging
import MiniWebWxLogin
import NIOCore
import SQLiteNIO

/// ``UserStore`` on SQLite (vapor/sqlite-nio): the embedded default, one file, WAL mode.
///
/// sqlite-nio runs every SQLite call on NIO's thread pool, never on an event loop. Each operation
/// is a single statement, so a shared connection in SQLite's serialized mode is safe to use from
/// many tasks at once; WAL lets readers proceed while a write commits.
public final class SQLiteUserStore: UserStore {
    private let connection: SQLiteConnection
    private let logger: Logger

    /// Opens (creating if needed) the database file.
    /// - Parameters:
    ///   - path: The file path, or `:memory:` for a private in-memory database.
    ///   - logger: The logger.
    /// - Throws: ``StoreError`` when the file cannot be opened.
    public init(path: String, logger: Logger) async throws {
        do {
            self.connection = try await SQLiteConnection.open(storage: path == ":memory:" ? .memory : .file(path: path), logger: logger)
        } catch {
            throw StoreError("open \(path)", error)
        }
        self.logger = logger
        try await self.execute("PRAGMA journal_mode = WAL")
        try await self.execute("PRAGMA synchronous = NORMAL")
        try await self.execute("PRAGMA foreign_keys = ON")
        try await self.execute("PRAGMA busy_timeout = 5000")
    }

    /// Closes the connection.
    public func close() async {
        try? await self.connection.close()
    }

    public func migrate() async throws {
        try await self.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")
        let applied = try await self.rows("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations").first?.column("version")?.integer ?? 0
        for migration in StoreSchema.migrations(for: .sqlite) where migration.version > applied {
            try await self.execute("BEGIN IMMEDIATE")
            do {
                for statement in migration.statements {
                    try await self.execute(statement)
                }
                try await self.execute("INSERT INTO schema_migrations (version) VALUES (?1)", [.integer(migration.version)])
                try await self.execute("COMMIT")
            } catch {
                try? await self.execute("ROLLBACK")
                throw error
            }
            self.logger.info("Applied database migration", metadata: ["version": "\(migration.version)", "database": "sqlite"])
        }
    }

    public func upsertUser(_ login: UserLogin) async throws -> StoredUser {
        let profile = login.profile
        let binds: [SQLiteData] = [
            .text(login.appID), .text(login.openID), .optionalText(login.unionID), .text(login.encryptedSessionKey),
            .optionalText(profile?.nickName), .optionalText(profile?.avatarUrl), profile?.gender.map { .integer($0) } ?? .null,
            .optionalText(profile?.city), .optionalText(profile?.province), .optionalText(profile?.country), .optionalText(profile?.language),
            .float(Date().timeIntervalSince1970),
        ]
        guard let row = try await self.rows(StoreSchema.upsertUser(withProfile: profile != nil) { "?\($0)" }, binds, operation: "upsertUser").first else {
            throw StoreError("upsertUser", SQLiteStoreFailure.noRowReturned)
        }
        return Self.user(from: row)
    }

    public func user(id: Int64) async throws -> StoredUser? {
        try await self.rows("SELECT \(StoreSchema.userColumns) FROM users WHERE id = ?1", [.integer(Int(id))], operation: "user").first.map(Self.user(from:))
    }

    public func revokeSession(id: String, userID: Int64, expiresAt: Date, at date: Date) async throws -> RevokedSession? {
        let rows = try await self.rows(
            """
            INSERT INTO login_sessions (id, user_id, created_at, expires_at, revoked_at) VALUES (?1, ?2, ?4, ?3, ?4)
            ON CONFLICT (id) DO UPDATE SET revoked_at = excluded.revoked_at WHERE login_sessions.revoked_at IS NULL
            RETURNING expires_at
            """,
            [.text(id), .integer(Int(userID)), .float(expiresAt.timeIntervalSince1970), .float(date.timeIntervalSince1970)],
            operation: "revokeSession"
        )
        return rows.first?.column("expires_at")?.double.map {
            RevokedSession(sessionID: id, revokedAt: date, expiresAt: Date(timeIntervalSince1970: $0))
        }
    }

    public func revokedSessions(since: Date) async throws -> [RevokedSession] {
        try await self.rows(
            "SELECT id, revoked_at, expires_at FROM login_sessions WHERE revoked_at >= ?1",
            [.float(since.timeIntervalSince1970)],
            operation: "revokedSessions"
        ).compactMap { row in
            guard let id = row.column("id")?.string, let revokedAt = row.column("revoked_at")?.double,
                let expiresAt = row.column("expires_at")?.double
            else { return nil }
            return RevokedSession(sessionID: id, revokedAt: Date(timeIntervalSince1970: revokedAt), expiresAt: Date(timeIntervalSince1970: expiresAt))
        }
    }

    public func storePhone(userID: Int64, phone: WxPhoneNumber) async throws -> StoredUser? {
        try await self.rows(
            """
            UPDATE users SET phone_number = ?2, pure_phone_number = ?3, country_code = ?4, updated_at = ?5 WHERE id = ?1
            RETURNING \(StoreSchema.userColumns)
            """,
            [.integer(Int(userID)), .text(phone.phoneNumber), .text(phone.purePhoneNumber), .text(phone.countryCode), .float(Date().timeIntervalSince1970)],
            operation: "storePhone"
        ).first.map(Self.user(from:))
    }

    public func updateProfile(userID: Int64, nickName: String?, avatarURL: String?) async throws -> StoredUser? {
        try await self.rows(
            """
            UPDATE users SET nick_name = COALESCE(?2, nick_name), avatar_url = COALESCE(?3, avatar_url), updated_at = ?4 WHERE id = ?1
            RETURNING \(StoreSchema.userColumns)
            """,
            [.integer(Int(userID)), nickName.map(SQLiteData.text) ?? .null, avatarURL.map(SQLiteData.text) ?? .null, .float(Date().timeIntervalSince1970)],
            operation: "updateProfile"
        ).first.map(Self.user(from:))
    }

    public func encryptedSessionKey(userID: Int64) async throws -> String? {
        try await self.rows("SELECT session_key_enc FROM users WHERE id = ?1", [.integer(Int(userID))], operation: "sessionKey")
            .first?.column("session_key_enc")?.string
    }

    public func settingInsertingIfAbsent(_ key: String, value: String) async throws -> String {
        try await self.execute("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING", [.text(key), .text(value)], operation: "setting")
        guard let stored = try await self.rows("SELECT value FROM settings WHERE key = ?1", [.text(key)], operation: "setting").first?.column("value")?.string else {
            throw StoreError("setting", SQLiteStoreFailure.noRowReturned)
        }
        return stored
    }

    public func ping() async throws {
        _ = try await self.rows("SELECT 1 AS one", operation: "ping")
    }

    // MARK: Helpers

    private func execute(_ sql: String, _ binds: [SQLiteData] = [], operation: String = "execute") async throws {
        _ = try await self.rows(sql, binds, operation: operation)
    }

    private func rows(_ sql: String, _ binds: [SQLiteData] = [], operation: String = "query") async throws -> [SQLiteRow] {
        do {
            return try await self.connection.query(sql, binds)
        } catch {
            throw StoreError(operation, error)
        }
    }

    private static func user(from row: SQLiteRow) -> StoredUser {
        StoredUser(
            id: Int64(row.column("id")?.integer ?? 0),
            appID: row.column("app_id")?.string ?? "",
            openID: row.column("openid")?.string ?? "",
            unionID: row.column("unionid")?.string,
            nickName: row.column("nick_name")?.string,
            avatarUrl: row.column("avatar_url")?.string,
            gender: row.column("gender")?.integer,
            city: row.column("city")?.string,
            province: row.column("province")?.string,
            country: row.column("country")?.string,
            language: row.column("language")?.string,
            phoneNumber: row.column("phone_number")?.string,
            purePhoneNumber: row.column("pure_phone_number")?.string,
            countryCode: row.column("country_code")?.string,
            loginCount: row.column("login_count")?.integer ?? 0
        )
    }
}

enum SQLiteStoreFailure: Error {
    case noRowReturned
}

extension SQLiteData {
    /// `.text(value)`, or `.null`.
    static func optionalText(_ value: String?) -> SQLiteData {
        value.map { .text($0) } ?? .null
    }
}
