import NIOConcurrencyHelpers

/// Limits how often each client may call the routes it guards: a token bucket per client
/// address (``ClientAddressResolver``), refilled at `rate` per second up to `burst`.
///
/// A client over its limit gets 429 `rate_limited` with `Retry-After` (whole seconds until a
/// token is back). Requests without a client address (a trusted proxy's own, in-process tests)
/// are not limited. Buckets of clients that have been quiet long enough to be full again are
/// dropped, so memory follows the number of recently active clients.
public struct RateLimitMiddleware: SynchronousMiddleware {
    private final class Buckets: Sendable {
        struct Bucket {
            var tokens: Double
            var updatedAt: ContinuousClock.Instant
        }

        let state = NIOLockedValueBox<(buckets: [String: Bucket], lastSweep: ContinuousClock.Instant)>(([:], .now))
    }

    private let rate: Double
    private let burst: Double
    private let resolver: ClientAddressResolver
    private let buckets = Buckets()

    /// Creates the middleware.
    /// - Parameters:
    ///   - rate: Requests per second each client may make in the long run.
    ///   - burst: How many requests a client may make at once.
    ///   - resolver: Finds the client's address (trusted proxies).
    public init(rate: Double, burst: Int, resolver: ClientAddressResolver = ClientAddressResolver()) {
        precondition(rate > 0 && burst > 0, "a rate limit needs a positive rate and burst")
        self.rate = rate
        self.burst = Double(burst)
        self.resolver = resolver
    }

    /// Takes a token for the client, or answers 429.
    /// - Throws: ``HTTPError`` 429 `rate_limited` when the client is over its limit.
    public func willRespond(to request: Request) throws -> MiddlewareDecision {
        guard let client = self.resolver.clientAddress(of: request) else {
            return .pass
        }
        if let wait = self.take(for: client, now: .now) {
            let seconds = max(1, Int(wait.rounded(.up)))
            throw HTTPError(
                .tooManyRequests,
                code: "rate_limited",
                message: "Too many requests from this address; try again in \(seconds) s.",
                headers: ["retry-after": String(seconds)]
            )
        }
        return .pass
    }

    /// Takes a token; returns `nil`, or the seconds until one is available.
    func take(for client: String, now: ContinuousClock.Instant) -> Double? {
        self.buckets.state.withLockedValue { state in
            // Forget buckets that have refilled completely (at most once per refill period).
            let refillPeriod = Duration.seconds(self.burst / self.rate)
            if now - state.lastSweep > refillPeriod {
                state.buckets = state.buckets.filter { now - $0.value.updatedAt < refillPeriod }
                state.lastSweep = now
            }
            var bucket = state.buckets[client] ?? .init(tokens: self.burst, updatedAt: now)
            let elapsed = now - bucket.updatedAt
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(self.burst, bucket.tokens + seconds * self.rate)
            bucket.updatedAt = now
            defer { state.buckets[client] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return (1 - bucket.tokens) / self.rate
        }
    }
}
