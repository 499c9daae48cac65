import GRDB
import NIOConcurrencyHelpers

/// Group commit for SQLite's one-statement writes: writes that arrive while an earlier one runs
/// on the writer connection are committed together, in one transaction.
///
/// SQLite in WAL mode pays per transaction for taking and dropping its locks on the
/// shared-memory index (`fcntl`), writing the commit frame and waking the writer's dispatch
/// thread; for a login's one-row upsert that costs more than running the statement. A lone write
/// runs at once, as before, and waits for nothing; writes that arrive while a flush runs wait for
/// the next one, which commits them all. The writer's thread runs under
/// ``BatchScheduling``, so that on a busy core it lets the event loop hand it every write the
/// loop has ready before it commits.
///
/// Every caller still gets its own answer, and only after its batch has committed. When one
/// write of a batch fails, the transaction is rolled back and every write of the batch runs again
/// on its own, so a failure (a constraint, say) reaches only the caller whose write caused it.
/// The writes given here must therefore touch nothing but the database.
///
/// GRDB has no batching of its own; this is the queue in front of its writer that does it.
final class SQLiteGroupCommit: Sendable {
    /// The most writes one transaction takes; the rest wait for the next, so that other users of
    /// the writer connection (migrations, settings) are not held off for long.
    static let maximumBatch = 64

    private struct State {
        var pending: [any SQLiteGroupedWrite] = []
        var isFlushing = false
    }

    private let writer: any DatabaseWriter
    private let state = NIOLockedValueBox(State())

    /// Creates the queue in front of `writer`.
    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Runs `body`, alone or in a batch with other writes, and returns its result once committed.
    /// - Parameter body: One write; it may run twice (see the type's discussion), so it must
    ///   touch nothing but the database.
    /// - Returns: What `body` returned in the transaction that committed.
    /// - Throws: What `body` threw when it ran on its own, or the failure to commit.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withUnsafeThrowingContinuation { continuation in
            self.enqueue(GroupedWrite(body: body, continuation: continuation))
        }
    }

    /// How many writes wait for the next flush (for tests).
    var pendingCount: Int {
        self.state.withLockedValue { $0.pending.count }
    }

    private func enqueue(_ write: any SQLiteGroupedWrite) {
        let startsFlush = self.state.withLockedValue { state in
            state.pending.append(write)
            guard !state.isFlushing else { return false }
            state.isFlushing = true
            return true
        }
        if startsFlush {
            self.scheduleFlush()
        }
    }

    private func scheduleFlush() {
        self.writer.asyncWriteWithoutTransaction { db in
            self.flush(db)
        }
    }

    /// Runs on the writer's queue: commits what is pending, then schedules itself again while
    /// more arrived (rather than looping, so queued migrations or settings get their turn).
    private func flush(_ db: Database) {
        BatchScheduling.adoptForCurrentThread()
        let batch = self.state.withLockedValue { state in
            let count = min(state.pending.count, Self.maximumBatch)
            let batch = Array(state.pending.prefix(count))
            state.pending.removeFirst(count)
            return batch
        }
        if batch.count == 1 {
            batch[0].runAlone(db)
        } else if !batch.isEmpty {
            Self.commit(batch, db)
        }
        let more = self.state.withLockedValue { state in
            state.isFlushing = !state.pending.isEmpty
            return state.isFlushing
        }
        if more {
            self.scheduleFlush()
        }
    }

    private static func commit(_ batch: [any SQLiteGroupedWrite], _ db: Database) {
        do {
            try db.inTransaction(.immediate) {
                for write in batch {
                    try write.runInBatch(db)
                }
                return .commit
            }
        } catch {
            // Rolled back: each write again, on its own, so each caller gets its own outcome.
            for write in batch {
                write.runAlone(db)
            }
            return
        }
        for write in batch {
            write.completeAfterCommit()
        }
    }
}

/// One pending write of ``SQLiteGroupCommit``, its result type erased.
private protocol SQLiteGroupedWrite: Sendable {
    /// Runs the write in the batch's transaction and keeps its result until the commit.
    func runInBatch(_ db: Database) throws
    /// Hands the kept result to the caller, once the batch has committed.
    func completeAfterCommit()
    /// Runs the write in a transaction of its own and hands the caller its outcome.
    func runAlone(_ db: Database)
}

private final class GroupedWrite<T: Sendable>: SQLiteGroupedWrite, @unchecked Sendable {
    // @unchecked: `result` is written and read only on the writer's queue, by one flush.
    private let body: @Sendable (Database) throws -> T
    private let continuation: UnsafeContinuation<T, any Error>
    private var result: T?

    init(body: @escaping @Sendable (Database) throws -> T, continuation: UnsafeContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func runInBatch(_ db: Database) throws {
        self.result = try self.body(db)
    }

    func completeAfterCommit() {
        // Always set: `runInBatch` ran before the commit that led here.
        guard let result = self.result else {
            self.continuation.resume(throwing: SQLiteStoreFailure.noRowReturned)
            return
        }
        self.continuation.resume(returning: result)
    }

    func runAlone(_ db: Database) {
        self.continuation.resume(with: Result { try self.body(db) })
    }
}

