import MiniWeb
import NIOConcurrencyHelpers

/// Recently read users, so that `GET /user/me` answers without a database round trip.
///
/// Entries live `timeToLive` (5 s by default); a login or phone update on this instance replaces
/// the entry at once, so a user sees their own changes immediately here, and within the
/// time-to-live on other instances that share the database.
final class UserCache: Sendable {
    private struct Entry {
        let user: StoredUser
        let expiresAt: ContinuousClock.Instant
        /// `GET /user/me`'s answer for this user, rendered once per entry.
        var meResponse: Response?
    }

    private let entries = NIOLockedValueBox<[Int64: Entry]>([:])
    private let timeToLive: Duration
    private let capacity: Int

    init(timeToLive: Duration = .seconds(5), capacity: Int = 100_000) {
        self.timeToLive = timeToLive
        self.capacity = capacity
    }

    /// The cached user, if fresh.
    func user(id: Int64) -> StoredUser? {
        let now = ContinuousClock.now
        return self.entries.withLockedValue { entries in
            guard let entry = entries[id], entry.expiresAt > now else { return nil }
            return entry.user
        }
    }

    /// Caches (or replaces) a user.
    func store(_ user: StoredUser) {
        let expiresAt = ContinuousClock.now + self.timeToLive
        self.entries.withLockedValue { entries in
            if entries.count >= self.capacity {
                let now = ContinuousClock.now
                entries = entries.filter { $0.value.expiresAt > now }
                if entries.count >= self.capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[user.id] = Entry(user: user, expiresAt: expiresAt, meResponse: nil)
        }
    }

    /// `GET /user/me`'s answer for a cached user, rendering and keeping it on first use: the
    /// body is a `ByteBuffer`, so every later answer shares it without copying or encoding.
    func meResponse(id: Int64, render: (StoredUser) throws -> Response) rethrows -> Response? {
        let now = ContinuousClock.now
        guard let entry = self.entries.withLockedValue({ entries in entries[id] }), entry.expiresAt > now else { return nil }
        if let response = entry.meResponse { return response }
        let response = try render(entry.user)
        self.entries.withLockedValue { entries in
            if entries[id]?.user == entry.user { entries[id]?.meResponse = response }
        }
        return response
    }
}
