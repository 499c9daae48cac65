import CoreMetrics
import NIOConcurrencyHelpers

/// Counts requests and times them through swift-metrics, by route template, method and status.
///
/// - `http_requests_total{route, method, status}`: a counter;
/// - `http_request_duration_seconds{route}`: a timer (a histogram with a Prometheus backend).
///
/// The route is the template of the route that answered (`/users/:id`, never the raw path) or
/// `unmatched` for requests no route answered, so the label set stays bounded whatever clients
/// send. Add it as the first global middleware to time everything else.
public struct MetricsMiddleware: Middleware {
    /// One answer's label set. A struct key rather than ``CounterFamily``'s `[String]`: no array
    /// and no status string are made per request, and one lock round trip finds both handles.
    private struct Key: Hashable {
        let route: String
        let method: HTTPMethod
        let status: Int
    }

    private final class Handles: Sendable {
        let requests: Counter
        let duration: Timer

        init(requests: Counter, duration: Timer) {
            self.requests = requests
            self.duration = duration
        }
    }

    private let factory: any MetricsFactory
    private let handles: NIOLockedValueBox<[Key: Handles]>

    /// Creates the middleware.
    /// - Parameter factory: Where the metrics go; the process's `MetricsSystem` by default.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        self.handles = NIOLockedValueBox([:])
    }

    /// Times the request and counts its outcome.
    public func handle(_ request: Request, next: Responder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request)
        self.record(request.method, response, elapsed: ContinuousClock.now - start)
        return response
    }

    // Synchronous and never inlined: the label lookup's temporaries stay out of the async frame
    // that `handle` keeps per request.
    @inline(never)
    private func record(_ method: HTTPMethod, _ response: Response, elapsed: Duration) {
        // Methods are bounded by the HTTP parser, which refuses unknown ones.
        let handles = self.handles(for: Key(route: response.route ?? "unmatched", method: method, status: response.status.code))
        handles.requests.increment()
        let (seconds, attoseconds) = elapsed.components
        handles.duration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    private func handles(for key: Key) -> Handles {
        self.handles.withLockedValue { handles in
            if let found = handles[key] { return found }
            let made = Handles(
                requests: Counter(
                    label: "http_requests_total",
                    dimensions: [("route", key.route), ("method", key.method.rawValue), ("status", String(key.status))],
                    factory: self.factory
                ),
                duration: Timer(label: "http_request_duration_seconds", dimensions: [("route", key.route)], factory: self.factory)
            )
            handles[key] = made
            return made
        }
    }
}
