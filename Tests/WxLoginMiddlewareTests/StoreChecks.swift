import Foundation
import Logging
import LoginService
import MiniWebWxLogin
import PostgresNIO
import Testing

/// The databases the store suite runs against.
enum TestDatabases {
    /// `MINIWEB_TEST_POSTGRES_URL`, e.g. `postgres://postgres@127.0.0.1:54329/miniweb_test?sslmode=disable`
    /// (`.ci/run` starts a server and sets it).
    static let postgresURL: DatabaseURL? = ProcessInfo.processInfo.environment["MINIWEB_TEST_POSTGRES_URL"].flatMap {
        $0.isEmpty ? nil : try? DatabaseURL(parsing: $0)
    }

    static func withSQLite<Value>(_ body: (any UserStore) async throws -> Value) async throws -> Value {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("miniweb-store-\(UUID().uuidString).sqlite").path
        let store = try await SQLiteUserStore(path: path, logger: Logger(label: "test"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await store.migrate()
        let value = try await body(store)
        await store.close()
        return value
    }

    static func withPostgres<Value: Sendable>(_ body: (any UserStore) async throws -> Value) async throws -> Value {
        let url = try #require(Self.postgresURL)
        guard case .postgres(let host, let port, let user, let password, let database, _) = url else {
            throw TestDatabaseError.notPostgres
        }
        let configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: .disable)
        let store = PostgresUserStore(configuration: configuration, logger: Logger(label: "test"))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await store.client.run() }
            defer { tasks.cancelAll() }
            try await store.migrate()
            return try await body(store)
        }
    }
}

enum TestDatabaseError: Error {
    case notPostgres
}

/// The behaviour every ``UserStore`` must have; each check runs against SQLite and PostgreSQL.
enum StoreChecks {
    static let appID = "wx-store-test"

    static func login(_ openID: String, profile: WxUserInfo? = nil, key: String = "sealed-key") -> UserLogin {
        UserLogin(appID: appID, openID: openID, unionID: nil, profile: profile, encryptedSessionKey: key)
    }

    static func profile(_ openID: String, nickName: String) -> WxUserInfo {
        WxUserInfo(openId: openID, nickName: nickName, avatarUrl: "https://a/\(nickName)", gender: 2, city: "Shenzhen", watermark: WxWatermark(appid: appID, timestamp: 1))
    }

    static func upsert(_ store: any UserStore) async throws {
        let openID = "o-\(UUID().uuidString)"
        let first = try await store.upsertUser(login(openID, profile: profile(openID, nickName: "First")))
        #expect(first.loginCount == 1)
        #expect(first.nickName == "First")
        #expect(first.gender == 2)
        let codeOnly = try await store.upsertUser(login(openID, key: "newer-key"))
        #expect(codeOnly.id == first.id)
        #expect(codeOnly.loginCount == 2)
        #expect(codeOnly.nickName == "First", "a login without a profile keeps the stored one")
        #expect(try await store.encryptedSessionKey(userID: first.id) == "newer-key")
        let updated = try await store.upsertUser(login(openID, profile: profile(openID, nickName: "Second")))
        #expect(updated.nickName == "Second")
        #expect(try await store.user(id: first.id)?.nickName == "Second")
        #expect(try await store.user(id: -1) == nil)
    }

    static func concurrentUpserts(_ store: any UserStore) async throws {
        let openID = "o-\(UUID().uuidString)"
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<40 {
                group.addTask { try await store.upsertUser(login(openID, key: "key-\(index)")).id }
            }
            return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        #expect(try await store.user(id: try #require(ids.first))?.loginCount == 40)
    }

    static func sessions(_ store: any UserStore) async throws {
        let user = try await store.upsertUser(login("o-\(UUID().uuidString)"))
        let sessionID = "s-\(UUID().uuidString)"
        let expiresAt = Date().addingTimeInterval(3600)
        let before = Date().addingTimeInterval(-1)
        let revoked = try #require(try await store.revokeSession(id: sessionID, userID: user.id, expiresAt: expiresAt, at: Date()))
        #expect(revoked.sessionID == sessionID)
        #expect(abs(revoked.expiresAt.timeIntervalSince(expiresAt)) < 0.01)
        #expect(try await store.revokeSession(id: sessionID, userID: user.id, expiresAt: expiresAt, at: Date()) == nil, "revoking twice")
        let recent = try await store.revokedSessions(since: before)
        #expect(recent.contains { $0.sessionID == sessionID })
        #expect(try await store.revokedSessions(since: Date().addingTimeInterval(60)).isEmpty)
    }

    static func phoneAndSettings(_ store: any UserStore) async throws {
        let user = try await store.upsertUser(login("o-\(UUID().uuidString)"))
        let phone = WxPhoneNumber(phoneNumber: "+85291234567", purePhoneNumber: "91234567", countryCode: "852", watermark: WxWatermark(appid: appID, timestamp: 1))
        let stored = try await store.storePhone(userID: user.id, phone: phone)
        #expect(stored?.phoneNumber == "+85291234567")
        #expect(stored?.countryCode == "852")
        let named = try await store.updateProfile(userID: user.id, nickName: "新名字", avatarURL: nil)
        #expect(named?.nickName == "新名字")
        #expect(named?.phoneNumber == "+85291234567", "other fields are kept")
        let pictured = try await store.updateProfile(userID: user.id, nickName: nil, avatarURL: "https://cdn.example.com/a.png")
        #expect(pictured?.nickName == "新名字", "a nil field keeps its value")
        #expect(pictured?.avatarUrl == "https://cdn.example.com/a.png")
        #expect(try await store.updateProfile(userID: -1, nickName: "x", avatarURL: nil) == nil)
        let key = "setting-\(UUID().uuidString)"
        #expect(try await store.settingInsertingIfAbsent(key, value: "first") == "first")
        #expect(try await store.settingInsertingIfAbsent(key, value: "second") == "first")
        try await store.ping()
        try await store.migrate()  // idempotent
    }
}

@Suite("Store on SQLite")
struct SQLiteStoreTests {
    @Test func upsert() async throws { try await TestDatabases.withSQLite(StoreChecks.upsert) }
    @Test func concurrentUpserts() async throws { try await TestDatabases.withSQLite(StoreChecks.concurrentUpserts) }
    @Test func sessions() async throws { try await TestDatabases.withSQLite(StoreChecks.sessions) }
    @Test func phoneAndSettings() async throws { try await TestDatabases.withSQLite(StoreChecks.phoneAndSettings) }

    /// Each write must run its statement to the end: GRDB's `fetchOne` on an `INSERT … RETURNING`
    /// left it unfinished, SQLite's automatic checkpoint never ran, and the log grew by about
    /// 8 kB per login without bound (110 MB after 4 s of load).
    @Test("the write-ahead log stays bounded under many logins, reads and logouts (SQLite checkpoints it every 1,000 pages)")
    func walStaysBounded() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("miniweb-wal-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let store = try await SQLiteUserStore(path: path, logger: Logger(label: "test"))
        try await store.migrate()
        for index in 0..<3_000 {
            let user = try await store.upsertUser(StoreChecks.login("o-\(index % 50)"))
            _ = try await store.revokeSession(id: "s-\(index)", userID: user.id, expiresAt: Date(timeIntervalSinceNow: 3600), at: Date())
            // Reads between the writes: a reader left in the middle of a statement would pin
            // the log as surely.
            _ = try await store.user(id: user.id)
            _ = try await store.encryptedSessionKey(userID: user.id)
        }
        let walSize = try #require(FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int)
        #expect(walSize < 8 << 20, "the write-ahead log grew to \(walSize) bytes")
        await store.close()
    }
}

@Suite(
    "Store on PostgreSQL",
    .enabled(if: TestDatabases.postgresURL != nil, "MINIWEB_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (.ci/run sets it)")
)
struct PostgresStoreTests {
    @Test func upsert() async throws { try await TestDatabases.withPostgres(StoreChecks.upsert) }
    @Test func concurrentUpserts() async throws { try await TestDatabases.withPostgres(StoreChecks.concurrentUpserts) }
    @Test func sessions() async throws { try await TestDatabases.withPostgres(StoreChecks.sessions) }
    @Test func phoneAndSettings() async throws { try await TestDatabases.withPostgres(StoreChecks.phoneAndSettings) }
}
