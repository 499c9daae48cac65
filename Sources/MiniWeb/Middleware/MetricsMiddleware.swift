import CoreMetrics

/// Counts requests and times them through swift-metrics, by route template, method and status.
///
/// - `http_requests_total{route, method, status}`: a counter;
/// - `http_request_duration_seconds{route}`: a timer (a histogram with a Prometheus backend).
///
/// The route is the template of the route that answered (`/users/:id`, never the raw path) or
/// `unmatched` for requests no route answered, so the label set stays bounded whatever clients
/// send. Add it as the first global middleware to time everything else.
public struct MetricsMiddleware: Middleware {
    private let requests: CounterFamily
    private let durations: TimerFamily

    /// Creates the middleware.
    /// - Parameter factory: Where the metrics go; the process's `MetricsSystem` by default.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.requests = CounterFamily(label: "http_requests_total", dimensions: ["route", "method", "status"], factory: factory)
        self.durations = TimerFamily(label: "http_request_duration_seconds", dimensions: ["route"], factory: factory)
    }

    /// Times the request and counts its outcome.
    public func handle(_ request: Request, next: Responder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request)
        let elapsed = ContinuousClock.now - start
        let route = response.route ?? "unmatched"
        // Methods are bounded by the HTTP parser, which refuses unknown ones.
        self.requests.increment(route, request.method.rawValue, String(response.status.code))
        self.durations.record(elapsed, route)
        return response
    }
}
