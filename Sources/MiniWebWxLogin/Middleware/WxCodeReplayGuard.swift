import NIOConcurrencyHelpers

/// Remembers the login codes this process has sent to WeChat recently, so that a replayed code is
/// refused at once (`wx_code_used`) without a second call to WeChat.
///
/// WeChat accepts a code once and for about five minutes. Codes are kept in two generations, each
/// covering half the window (five minutes by default) or half the capacity: a code is remembered
/// for at least half the window (and at most the whole window), and at least the newest half of
/// `capacity` codes are remembered whatever the rate of logins.
///
/// Codes are remembered as 64-bit keyed hashes (Swift's `Hasher`, seeded at random per process),
/// not as strings: about 10 bytes a code, which matters at hundreds of logins a second. Two
/// different codes with one hash would make the second refused as used (the client logs in
/// again); with 100,000 codes remembered that happens about once in 10^14 logins, and nobody can
/// aim for it without the process's seed.
public final class WxCodeReplayGuard: Sendable {
    private struct State {
        var current = Set<Int>()
        var previous = Set<Int>()
        var rotatedAt: ContinuousClock.Instant

        /// The current generation becomes the previous one (its storage is reused).
        mutating func rotate(at now: ContinuousClock.Instant, forgetAll: Bool) {
            swap(&self.current, &self.previous)
            self.current.removeAll(keepingCapacity: true)
            if forgetAll { self.previous.removeAll(keepingCapacity: true) }
            self.rotatedAt = now
        }
    }

    private let generationLifetime: Duration
    private let generationCapacity: Int
    private let state: NIOLockedValueBox<State>

    /// Creates a guard.
    /// - Parameters:
    ///   - window: How long a code may be remembered; 10 minutes by default (at least half of
    ///     it is guaranteed).
    ///   - capacity: The most codes remembered; 100,000 by default (at least half of it, the
    ///     newest, are guaranteed).
    public init(window: Duration = .seconds(600), capacity: Int = 100_000) {
        self.generationLifetime = window / 2
        self.generationCapacity = max(1, (capacity + 1) / 2)
        self.state = NIOLockedValueBox(State(rotatedAt: .now))
    }

    /// Records `code` as used.
    /// - Returns: `false` when it was already seen.
    public func markSeen(_ code: String) -> Bool {
        let key = code.hashValue
        let now = ContinuousClock.now
        return self.state.withLockedValue { state in
            let age = now - state.rotatedAt
            if age >= self.generationLifetime {
                state.rotate(at: now, forgetAll: age >= self.generationLifetime * 2)
            }
            if state.current.contains(key) || state.previous.contains(key) {
                return false
            }
            if state.current.count >= self.generationCapacity {
                state.rotate(at: now, forgetAll: false)
            }
            state.current.insert(key)
            return true
        }
    }
}
