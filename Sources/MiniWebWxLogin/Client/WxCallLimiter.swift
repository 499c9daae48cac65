/// Caps the calls to WeChat in flight at once, so that a flood of logins cannot exhaust the
/// connection pool or memory: a call over the cap waits up to `queueTimeout` for a free slot,
/// then gives up (the caller answers 503 with `Retry-After`).
///
/// An async semaphore with a timeout; none of the packages this project may use offers one.
actor WxCallLimiter {
    private let limit: Int
    private var inFlight = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextID: UInt64 = 0

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Takes a slot, waiting up to `timeout`.
    /// - Returns: Whether a slot was taken (then ``release()`` must follow).
    func acquire(timeout: Duration) async -> Bool {
        if self.inFlight < self.limit {
            self.inFlight += 1
            return true
        }
        self.nextID &+= 1
        let id = self.nextID
        return await withCheckedContinuation { continuation in
            self.waiters.append((id, continuation))
            Task {
                try? await Task.sleep(for: timeout)
                self.expire(id)
            }
        }
    }

    /// Gives a slot back, to the longest waiter if there is one.
    func release() {
        if self.waiters.isEmpty {
            self.inFlight -= 1
        } else {
            self.waiters.removeFirst().continuation.resume(returning: true)
        }
    }

    private func expire(_ id: UInt64) {
        guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return }
        self.waiters.remove(at: index).continuation.resume(returning: false)
    }
}
