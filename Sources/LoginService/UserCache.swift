import MiniWeb
import NIOConcurrencyHelpers

/// Recently read users, so that `GET /user/me` answers without a database round trip.
///
/// Entries live `timeToLive` (5 s by default); a login or phone update on this instance replaces
/// the entry at once, so a user sees their own changes immediately here, and within the
/// time-to-live on other instances that share the database.
final class UserCache: Sendable {
    /// Immutable, so a lookup copies one reference out of the lock, not a user's dozen strings.
    private final class Entry: Sendable {
        let user: StoredUser
        let expiresAt: ContinuousClock.Instant
        /// `GET /user/me`'s answer for this user, rendered once per entry.
        let meResponse: Response?

        init(user: StoredUser, expiresAt: ContinuousClock.Instant, meResponse: Response?) {
            self.user = user
            self.expiresAt = expiresAt
            self.meResponse = meResponse
        }
    }

    private let entries = NIOLockedValueBox<[Int64: Entry]>([:])
    /// The database reads in flight, one per user: see ``load(id:_:)``.
    private let loads = NIOLockedValueBox<[Int64: Task<StoredUser?, any Error>]>([:])
    private let timeToLive: Duration
    private let capacity: Int

    init(timeToLive: Duration = .seconds(5), capacity: Int = 100_000) {
        self.timeToLive = timeToLive
        self.capacity = capacity
    }

    /// The cached user, if fresh.
    func user(id: Int64) -> StoredUser? {
        self.freshEntry(id: id)?.user
    }

    /// Caches (or replaces) a user.
    func store(_ user: StoredUser) {
        self.insert(user, unlessStoredSince: nil)
    }

    /// Reads a user that is not cached (or no longer fresh) with `read`, once however many
    /// requests ask at the same time, and caches it.
    ///
    /// When a busy user's entry expires, every request in flight for them misses at once: 256
    /// connections polling one account sent 256 reads to the database together, which queued
    /// for its few reader connections on as many blocked dispatch threads, and `/user/me`'s p99
    /// went from about 10 ms to as much as 258 ms every five seconds. The first miss starts the read;
    /// the others wait for its answer. The read runs in a task of its own, so a caller that is
    /// cancelled does not fail the others.
    /// - Parameters:
    ///   - id: The user's id.
    ///   - read: Reads the user from the database; `nil` when there is none.
    /// - Returns: The user, or `nil` when the database has none.
    /// - Throws: What `read` throws, to every caller that waited for it.
    func load(id: Int64, _ read: @escaping @Sendable () async throws -> StoredUser?) async throws -> StoredUser? {
        let started = ContinuousClock.now
        let load = self.loads.withLockedValue { loads in
            if let running = loads[id] { return running }
            let load = Task { try await read() }
            loads[id] = load
            return load
        }
        defer {
            self.loads.withLockedValue { loads in
                if loads[id] == load { loads[id] = nil }
            }
        }
        let user = try await load.value
        if let user {
            self.insert(user, unlessStoredSince: started)
        }
        return user
    }

    /// Caches `user`; with `started`, not if an entry was stored since then (a login's or a
    /// profile update's, newer than what a read that began at `started` saw).
    private func insert(_ user: StoredUser, unlessStoredSince started: ContinuousClock.Instant?) {
        let expiresAt = ContinuousClock.now + self.timeToLive
        self.entries.withLockedValue { entries in
            if let started, let entry = entries[user.id], entry.expiresAt - self.timeToLive >= started { return }
            if entries.count >= self.capacity {
                let now = ContinuousClock.now
                entries = entries.filter { $0.value.expiresAt > now }
                if entries.count >= self.capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[user.id] = Entry(user: user, expiresAt: expiresAt, meResponse: nil)
        }
    }

    /// `GET /user/me`'s answer for a cached user whose open id is `openID`, rendering and keeping
    /// it on first use: the body is a `ByteBuffer`, so every later answer shares it without
    /// copying or encoding. `nil` when the user is not cached, stale, or another user.
    func meResponse(id: Int64, openID: String, render: (StoredUser) throws -> Response) rethrows -> Response? {
        guard let entry = self.freshEntry(id: id), entry.user.openID == openID else { return nil }
        if let response = entry.meResponse { return response }
        let response = try render(entry.user)
        let rendered = Entry(user: entry.user, expiresAt: entry.expiresAt, meResponse: response)
        self.entries.withLockedValue { entries in
            // Only if nobody replaced the entry meanwhile (a login storing a newer user).
            if entries[id] === entry { entries[id] = rendered }
        }
        return response
    }

    private func freshEntry(id: Int64) -> Entry? {
        let now = ContinuousClock.now
        guard let entry = self.entries.withLockedValue({ entries in entries[id] }), entry.expiresAt > now else { return nil }
        return entry
    }
}
