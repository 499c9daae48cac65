import Synchronization

/// Recently read users, so that `GET /user/me` answers without a database round trip.
///
/// Entries live `timeToLive` (5 s by default); a login or phone update on this instance replaces
/// the entry at once, so a user sees their own changes immediately here, and within the
/// time-to-live on other instances that share the database.
final class UserCache: Sendable {
    private struct Entry {
        let user: StoredUser
        let expiresAt: ContinuousClock.Instant
    }

    private let entries = Mutex<[Int64: Entry]>([:])
    private let timeToLive: Duration
    private let capacity: Int

    init(timeToLive: Duration = .seconds(5), capacity: Int = 100_000) {
        self.timeToLive = timeToLive
        self.capacity = capacity
    }

    /// The cached user, if fresh.
    func user(id: Int64) -> StoredUser? {
        let now = ContinuousClock.now
        return self.entries.withLock { entries in
            guard let entry = entries[id], entry.expiresAt > now else { return nil }
            return entry.user
        }
    }

    /// Caches (or replaces) a user.
    func store(_ user: StoredUser) {
        let expiresAt = ContinuousClock.now + self.timeToLive
        self.entries.withLock { entries in
            if entries.count >= self.capacity {
                let now = ContinuousClock.now
                entries = entries.filter { $0.value.expiresAt > now }
                if entries.count >= self.capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[user.id] = Entry(user: user, expiresAt: expiresAt)
        }
    }
}
