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
public struct MetricsMiddleware: SynchronousMiddleware {
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

    /// Counts the request's outcome and records its duration since `startedAt`.
    public func didRespond(to request: Request, with response: inout Response, startedAt: ContinuousClock.Instant) {
        // Methods are bounded by the HTTP parser, which refuses unknown ones.
        let handles = self.handles(for: Key(route: response.route ?? "unmatched", method: request.method, status: response.status.code))
        handles.requests.increment()
        let (seconds, attoseconds) = (ContinuousClock.now - startedAt).components
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
