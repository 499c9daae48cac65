import Foundation
import GRDB
import Testing

@testable import LoginService

/// ``SQLiteGroupCommit`` on a real SQLite file: writes that queue up while the writer is busy
/// commit together, and a failing write reaches only its own caller.
@Suite("SQLite group commit")
struct SQLiteGroupCommitTests {
    /// A database file with one table whose `value` must be positive, so a write can be made to
    /// fail on purpose.
    private static func withDatabase(_ body: (DatabasePool) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("miniweb-group-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let pool = try DatabasePool(path: path)
        try await pool.write { db in
            try db.execute(sql: "CREATE TABLE items (id INTEGER PRIMARY KEY, value INTEGER NOT NULL CHECK (value > 0))")
        }
        try await body(pool)
        try pool.close()
    }

    /// Holds the writer until `release` is signalled, so that the writes made meanwhile queue up
    /// and go out as one batch.
    private final class Gate: Sendable {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
    }

    @Test("writes queued behind a busy writer commit together; one failing write fails alone")
    func batchWithOneFailure() async throws {
        try await Self.withDatabase { pool in
            let commits = SQLiteGroupCommit(writer: pool)
            let gate = Gate()
            async let held: Int64 = commits.write { db in
                gate.entered.signal()
                gate.release.wait()
                try db.execute(sql: "INSERT INTO items (id, value) VALUES (0, 1)")
                return db.lastInsertedRowID
            }
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    gate.entered.wait()
                    continuation.resume()
                }
            }
            // The writer is held: these 20 wait in the queue and are flushed as one batch, in
            // which the write of id 7 breaks the CHECK constraint.
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for id in 1...20 {
                    group.addTask {
                        do {
                            let row = try await commits.write { db in
                                try db.execute(sql: "INSERT INTO items (id, value) VALUES (?, ?)", arguments: [id, id == 7 ? -1 : id])
                                return db.lastInsertedRowID
                            }
                            return (id, row == Int64(id))
                        } catch {
                            return (id, false)
                        }
                    }
                }
                while commits.pendingCount < 20 {
                    try? await Task.sleep(for: .milliseconds(5))
                }
                gate.release.signal()
                return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            #expect(try await held == 0)
            #expect(outcomes.count == 20)
            for id in 1...20 {
                #expect(outcomes[id] == (id != 7), "write \(id)")
            }
            let stored = try await pool.read { db in try Int.fetchAll(db, sql: "SELECT id FROM items ORDER BY id") }
            #expect(stored == [0] + Array(1...20).filter { $0 != 7 })
        }
    }

    @Test("a lone write commits at once and returns its own result")
    func loneWrite() async throws {
        try await Self.withDatabase { pool in
            let commits = SQLiteGroupCommit(writer: pool)
            let count = try await commits.write { db in
                try db.execute(sql: "INSERT INTO items (value) VALUES (5)")
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items") ?? -1
            }
            #expect(count == 1)
            await #expect(throws: DatabaseError.self) {
                try await commits.write { db in try db.execute(sql: "INSERT INTO items (value) VALUES (0)") }
            }
            #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items") } == 1)
        }
    }
}
