import Synchronization

/// Remembers the login codes this process has sent to WeChat recently, so that a replayed code is
/// refused at once (`wx_code_used`) without a second call to WeChat.
///
/// WeChat accepts a code once and for about five minutes; the window defaults to ten minutes so
/// that every code that could still be valid is covered. Memory is bounded by `capacity` (the
/// oldest codes are forgotten first; WeChat still refuses them).
public final class WxCodeReplayGuard: Sendable {
    private struct State {
        var seen: [String: ContinuousClock.Instant] = [:]
        var order: [(code: String, at: ContinuousClock.Instant)] = []
        var head = 0
    }

    private let window: Duration
    private let capacity: Int
    private let state = Mutex(State())

    /// Creates a guard.
    /// - Parameters:
    ///   - window: How long a code is remembered; 10 minutes by default.
    ///   - capacity: The most codes remembered; 100,000 by default.
    public init(window: Duration = .seconds(600), capacity: Int = 100_000) {
        self.window = window
        self.capacity = max(1, capacity)
    }

    /// Records `code` as used.
    /// - Returns: `false` when it was already seen within the window.
    public func markSeen(_ code: String) -> Bool {
        let now = ContinuousClock.now
        return self.state.withLock { state in
            // Forget what has aged out, and the oldest beyond the capacity.
            while state.head < state.order.count,
                now - state.order[state.head].at > self.window || state.order.count - state.head >= self.capacity
            {
                let old = state.order[state.head]
                if state.seen[old.code] == old.at { state.seen[old.code] = nil }
                state.head += 1
            }
            if state.head > 1024 && state.head * 2 > state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
            }
            if let previous = state.seen[code], now - previous <= self.window {
                return false
            }
            state.seen[code] = now
            state.order.append((code, now))
            return true
        }
    }
}
