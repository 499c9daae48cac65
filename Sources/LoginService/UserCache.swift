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
