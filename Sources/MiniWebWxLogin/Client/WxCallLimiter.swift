import NIOConcurrencyHelpers

/// Caps the calls to WeChat in flight at once, so that a flood of logins cannot exhaust the
/// connection pool or memory: a call over the cap waits up to `queueTimeout` for a free slot,
/// then gives up (the caller answers 503 with `Retry-After`).
///
/// An async semaphore with a timeout; none of the packages this project may use offers one. A
/// lock, not an actor: a free slot (every login below the cap) is taken and given back without
/// suspending, where an actor cost two hops per call.
final class WxCallLimiter: Sendable {
    private struct State {
        var inFlight = 0
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextID: UInt64 = 0
    }

    private let limit: Int
    private let state = NIOLockedValueBox(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Takes a free slot, if there is one, without waiting.
    func tryAcquire() -> Bool {
        self.state.withLockedValue { state in
            guard state.inFlight < self.limit, state.waiters.isEmpty else { return false }
            state.inFlight += 1
            return true
        }
    }

    /// Takes a slot, waiting up to `timeout` for one.
    /// - Returns: Whether the caller holds a slot (and must ``release()`` it).
    func acquire(timeout: Duration) async -> Bool {
        if self.tryAcquire() { return true }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let id: UInt64? = self.state.withLockedValue { state in
                if state.inFlight < self.limit, state.waiters.isEmpty {
                    state.inFlight += 1
                    return nil
                }
                state.nextID &+= 1
                state.waiters.append((state.nextID, continuation))
                return state.nextID
            }
            guard let id else {
                continuation.resume(returning: true)
                return
            }
            Task {
                try? await Task.sleep(for: timeout)
                self.expire(id)
            }
        }
    }

    /// Gives a slot back: to the longest waiter, if any.
    func release() {
        let next = self.state.withLockedValue { state -> CheckedContinuation<Bool, Never>? in
            if state.waiters.isEmpty {
                state.inFlight -= 1
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        next?.resume(returning: true)
    }

    private func expire(_ id: UInt64) {
        let expired = self.state.withLockedValue { state -> CheckedContinuation<Bool, Never>? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index).continuation
        }
        expired?.resume(returning: false)
    }
}
