import Foundation
import GRDB
import Logging
import MiniWebWxLogin

/// ``UserStore`` on SQLite, through GRDB: the embedded default, one file, WAL mode.
///
/// A file database is a GRDB `DatabasePool`: one writer connection and a few readers, so reads
/// proceed while a write commits. Every statement is prepared once per connection and reused
/// (GRDB's statement cache); a login's upsert was spending as long in SQLite's parser as in
/// running it. GRDB runs each access on its own dispatch queue, never on an event loop.
/// `:memory:` is a private in-memory database behind a `DatabaseQueue`.
///
/// The one-statement writes (a login's upsert, a logout, a phone number, a profile) go through
/// ``SQLiteGroupCommit``: those that arrive while the writer is busy commit in one transaction.
///
/// Writes that return a row (`… RETURNING`) go through `returnedRow` or `returnedUser`, which run
/// them to the end.
public final class SQLiteUserStore: UserStore {
    private let writer: any DatabaseWriter
    private let groupCommit: SQLiteGroupCommit
    private let logger: Logger

    /// Opens (creating if needed) the database file.
    /// - Parameters:
    ///   - path: The file path, or `:memory:` for a private in-memory database.
    ///   - logger: The logger.
    /// - Throws: ``StoreError`` when the file cannot be opened.
    public init(path: String, logger: Logger) async throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.label = "SQLiteUserStore"
        configuration.prepareDatabase { db in
            // WAL (set by DatabasePool) with NORMAL sync: a commit survives a process crash; a
            // power cut may lose the last commits, never corrupt the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            self.writer = path == ":memory:" ? try DatabaseQueue(configuration: configuration) : try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError("open \(path)", error)
        }
        self.groupCommit = SQLiteGroupCommit(writer: self.writer)
        self.logger = logger
    }

    /// Closes the connections.
    public func close() async {
        try? self.writer.close()
    }

    public func migrate() async throws {
        let applied = try await self.write("migrate") { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")
            var applied: [Int] = []
            for migration in StoreSchema.migrations(for: .sqlite) {
                // One immediate transaction per migration: a second instance starting at the
                // same time waits, then sees it applied.
                try db.inTransaction(.immediate) {
                    let current = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM schema_migrations") ?? 0
                    guard migration.version > current else { return .commit }
                    for statement in migration.statements {
                        try db.execute(sql: statement)
                    }
                    try db.execute(sql: "INSERT INTO schema_migrations (version) VALUES (?)", arguments: [migration.version])
                    applied.append(migration.version)
                    return .commit
                }
            }
            return applied
        }
        for version in applied {
            self.logger.info("Applied database migration", metadata: ["version": "\(version)", "database": "sqlite"])
        }
    }

    /// The two forms of the login's upsert, built once (the statement cache is keyed by the SQL).
    private static let upsertWithProfile = StoreSchema.upsertUser(withProfile: true) { "?\($0)" }
    private static let upsertWithoutProfile = StoreSchema.upsertUser(withProfile: false) { "?\($0)" }

    public func upsertUser(_ login: UserLogin) async throws -> StoredUser {
        let (sql, arguments) = Self.upsertStatement(for: login)
        return try await self.groupedWrite("upsertUser") { db in
            guard let user = try Self.returnedUser(db, sql, arguments) else {
                throw SQLiteStoreFailure.noRowReturned
            }
            return user
        }
    }

    // Synchronous and never inlined: the arguments stay out of `upsertUser`'s async frame.
    @inline(never)
    private static func upsertStatement(for login: UserLogin) -> (String, StatementArguments) {
        let profile = login.profile
        let arguments: StatementArguments = [
            login.appID, login.openID, login.unionID, login.encryptedSessionKey,
            profile?.nickName, profile?.avatarUrl, profile?.gender,
            profile?.city, profile?.province, profile?.country, profile?.language,
            Date().timeIntervalSince1970,
        ]
        return (profile != nil ? Self.upsertWithProfile : Self.upsertWithoutProfile, arguments)
    }

    public func user(id: Int64) async throws -> StoredUser? {
        try await self.read("user") { db in
            try SQLiteUserColumns.fetchOne(db.cachedStatement(sql: "SELECT \(StoreSchema.userColumns) FROM users WHERE id = ?1"), arguments: [id])?.user
        }
    }

    public func revokeSession(id: String, userID: Int64, expiresAt: Date, at date: Date) async throws -> RevokedSession? {
        let sql = """
            INSERT INTO login_sessions (id, user_id, created_at, expires_at, revoked_at) VALUES (?1, ?2, ?4, ?3, ?4)
            ON CONFLICT (id) DO UPDATE SET revoked_at = excluded.revoked_at WHERE login_sessions.revoked_at IS NULL
            RETURNING expires_at
            """
        let arguments: StatementArguments = [id, userID, expiresAt.timeIntervalSince1970, date.timeIntervalSince1970]
        let expires = try await self.groupedWrite("revokeSession") { db in
            try Self.returnedRow(db, sql, arguments).flatMap { $0[0] as Double? }
        }
        return expires.map { RevokedSession(sessionID: id, revokedAt: date, expiresAt: Date(timeIntervalSince1970: $0)) }
    }

    public func revokedSessions(since: Date) async throws -> [RevokedSession] {
        try await self.read("revokedSessions") { db in
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT id, revoked_at, expires_at FROM login_sessions WHERE revoked_at >= ?1"),
                arguments: [since.timeIntervalSince1970]
            )
            var sessions: [RevokedSession] = []
            while let row = try rows.next() {
                guard let id: String = row["id"], let revokedAt: Double = row["revoked_at"], let expiresAt: Double = row["expires_at"] else { continue }
                sessions.append(RevokedSession(sessionID: id, revokedAt: Date(timeIntervalSince1970: revokedAt), expiresAt: Date(timeIntervalSince1970: expiresAt)))
            }
            return sessions
        }
    }

    public func storePhone(userID: Int64, phone: WxPhoneNumber) async throws -> StoredUser? {
        let sql = """
            UPDATE users SET phone_number = ?2, pure_phone_number = ?3, country_code = ?4, updated_at = ?5 WHERE id = ?1
            RETURNING \(StoreSchema.userColumns)
            """
        let arguments: StatementArguments = [userID, phone.phoneNumber, phone.purePhoneNumber, phone.countryCode, Date().timeIntervalSince1970]
        return try await self.groupedWrite("storePhone") { db in
            try Self.returnedUser(db, sql, arguments)
        }
    }

    public func updateProfile(userID: Int64, nickName: String?, avatarURL: String?) async throws -> StoredUser? {
        let sql = """
            UPDATE users SET nick_name = COALESCE(?2, nick_name), avatar_url = COALESCE(?3, avatar_url), updated_at = ?4 WHERE id = ?1
            RETURNING \(StoreSchema.userColumns)
            """
        let arguments: StatementArguments = [userID, nickName, avatarURL, Date().timeIntervalSince1970]
        return try await self.groupedWrite("updateProfile") { db in
            try Self.returnedUser(db, sql, arguments)
        }
    }

    public func encryptedSessionKey(userID: Int64) async throws -> String? {
        try await self.read("sessionKey") { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT session_key_enc FROM users WHERE id = ?1"), arguments: [userID])
        }
    }

    public func settingInsertingIfAbsent(_ key: String, value: String) async throws -> String {
        try await self.write("setting") { db in
            try db.execute(sql: "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING", arguments: [key, value])
            guard let stored = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?1", arguments: [key]) else {
                throw SQLiteStoreFailure.noRowReturned
            }
            return stored
        }
    }

    public func ping() async throws {
        _ = try await self.read("ping") { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT 1")) }
    }

    // MARK: Helpers

    /// Runs `body` on the writer connection, outside any transaction (each statement commits on
    /// its own, as every write here is one statement or manages its own transaction).
    private func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await self.writer.writeWithoutTransaction(body)
        } catch {
            throw StoreError(operation, error)
        }
    }

    /// Runs the one-statement write `body` through the group commit: alone when the writer is
    /// idle, in one transaction with the writes that arrived meanwhile when it is not.
    private func groupedWrite<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await self.groupCommit.write(body)
        } catch {
            throw StoreError(operation, error)
        }
    }

    /// Runs `body` on a reader connection (the writer's, for an in-memory database).
    private func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await self.writer.read(body)
        } catch {
            throw StoreError(operation, error)
        }
    }

    /// The row a one-row write returns (`… RETURNING`), with the statement run to its end.
    ///
    /// Not `fetchOne`: it stops after the first row, the statement never finishes, and SQLite's
    /// automatic checkpoint then never ran; the write-ahead log grew by about 8 kB per login
    /// without bound.
    private static func returnedRow(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> Row? {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).first
    }

    /// The user a one-row write returns (`… RETURNING` ``StoreSchema/userColumns``), with the
    /// statement run to its end (see `returnedRow`).
    private static func returnedUser(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> StoredUser? {
        try SQLiteUserColumns.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).first?.user
    }
}

enum SQLiteStoreFailure: Error {
    case noRowReturned
}
