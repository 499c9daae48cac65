import Testing

@testable import MiniWebWxLogin

/// The cap on WeChat calls in flight: slots are taken without waiting while free, a waiter gets
/// the next slot given back (first come, first served), and a waiter gives up at its timeout.
@Suite("WeChat call limiter")
struct WxCallLimiterTests {
    @Test("free slots are taken at once; over the cap, tryAcquire refuses")
    func freeSlots() async {
        let limiter = WxCallLimiter(limit: 2)
        #expect(limiter.tryAcquire())
        #expect(await limiter.acquire(timeout: .seconds(1)))
        #expect(!limiter.tryAcquire())
        limiter.release()
        #expect(limiter.tryAcquire())
    }

    @Test("a released slot goes to the longest waiter, and a waiter gives up at its timeout")
    func waiters() async throws {
        let limiter = WxCallLimiter(limit: 1)
        #expect(limiter.tryAcquire())
        let first = Task { await limiter.acquire(timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(50))
        let second = Task { await limiter.acquire(timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(50))
        // While someone waits, a new caller does not jump the queue.
        #expect(!limiter.tryAcquire())
        limiter.release()
        #expect(await first.value)
        limiter.release()
        #expect(await second.value)

        let start = ContinuousClock.now
        #expect(await limiter.acquire(timeout: .milliseconds(100)) == false)
        #expect(ContinuousClock.now - start >= .milliseconds(100))
        limiter.release()
        #expect(limiter.tryAcquire())
    }
}
