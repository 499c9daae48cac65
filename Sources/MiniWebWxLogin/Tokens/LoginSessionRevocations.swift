import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// A session that was logged out: its tokens must be refused until they expire anyway.
public struct RevokedSession: Sendable, Hashable {
    /// The session id (`sid`).
    public let sessionID: String
    /// When it was revoked.
    public let revokedAt: Date
    /// When its tokens expire: after that the entry can be forgotten.
    public let expiresAt: Date

    /// Creates an entry.
    public init(sessionID: String, revokedAt: Date, expiresAt: Date) {
        self.sessionID = sessionID
        self.revokedAt = revokedAt
        self.expiresAt = expiresAt
    }
}

/// Where revocations are recorded for every instance to see: the shared database.
public protocol RevocationFeed: Sendable {
    /// Sessions revoked at or after `since`.
    func revokedSessions(since: Date) async throws -> [RevokedSession]
}

/// The revoked sessions this instance knows of, checked on every authenticated request without a
/// database round trip.
///
/// A logout on this instance is refused here at once. Logouts on other instances arrive through
/// ``run()`` (a `Service`), which polls the ``RevocationFeed`` every `pollInterval`: every instance
/// refuses a revoked token at most `pollInterval` (plus one query) after the logout.
public final class LoginSessionRevocations: Service, Sendable {
    /// Revoked session ids, as 64-bit keyed hashes (Swift's `Hasher`, seeded at random per
    /// process), until their tokens expire: a logout costs about 16 bytes here for the token's
    /// lifetime instead of about 90 with the id's string. A valid session whose id shared a hash
    /// with a revoked one would be refused (its user logs in again): with a million revocations
    /// that happens about once in 10^13 checks, and nobody can aim for it without the seed.
    private let revoked = NIOLockedValueBox<[Int: Date]>([:])
    private let feed: (any RevocationFeed)?
    /// How often the feed is polled.
    public let pollInterval: Duration
    private let logger: Logger

    /// Creates the list.
    /// - Parameters:
    ///   - feed: The shared record of revocations; `nil` for a single instance without one.
    ///   - pollInterval: How often to poll it; 2 s by default.
    ///   - logger: For poll failures.
    public init(feed: (any RevocationFeed)?, pollInterval: Duration = .seconds(2), logger: Logger = Logger(label: "revocations")) {
        self.feed = feed
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// Whether tokens of `sessionID` must be refused.
    public func isRevoked(_ sessionID: String) -> Bool {
        self.isRevoked(sessionHash: sessionID.hashValue)
    }

    /// Whether tokens of the session whose id has this `hashValue` must be refused.
    func isRevoked(sessionHash: Int) -> Bool {
        self.revoked.withLockedValue { $0[sessionHash] != nil }
    }

    /// Records revocations (a local logout, or what the feed returned).
    public func add(_ sessions: [RevokedSession]) {
        let now = Date()
        self.revoked.withLockedValue { revoked in
            for session in sessions where session.expiresAt > now {
                revoked[session.sessionID.hashValue] = session.expiresAt
            }
        }
    }

    /// Loads every revocation still relevant (`lookBack`: the token lifetime), then polls until
    /// graceful shutdown (the `Service` requirement).
    public func run() async throws {
        try await self.synchronise(lookBack: .seconds(8 * 24 * 3600))
    }

    /// Polls the feed until graceful shutdown or cancellation.
    /// - Parameter lookBack: How far back the first load reaches.
    public func synchronise(lookBack: Duration) async throws {
        guard let feed = self.feed else {
            try? await gracefulShutdown()
            return
        }
        let firstSince = Date().addingTimeInterval(-Double(lookBack.components.seconds))
        await cancelWhenGracefulShutdown {
            var since = firstSince
            while !Task.isCancelled {
                // Overlap the windows by a margin so that a revocation committed with a slightly
                // earlier timestamp (another instance's clock) is not missed.
                let queryStart = Date()
                do {
                    let sessions = try await feed.revokedSessions(since: since)
                    self.add(sessions)
                    since = queryStart.addingTimeInterval(-5)
                } catch {
                    self.logger.warning("Could not read revoked sessions; will retry", metadata: ["error": "\(error)"])
                }
                self.forgetExpired()
                try? await Task.sleep(for: self.pollInterval)
            }
        }
    }

    private func forgetExpired() {
        let now = Date()
        self.revoked.withLockedValue { revoked in
            revoked = revoked.filter { $0.value > now }
        }
    }
}
