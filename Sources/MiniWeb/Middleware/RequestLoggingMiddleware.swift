import Logging

/// Logs one line per request when its response is ready: method, path, status, duration and
/// request id.
///
/// It never logs bodies, the query string (which may carry codes or tokens), cookies or
/// `Authorization`. Server errors (5xx) are logged at `error`, the rest at the configured level.
public struct RequestLoggingMiddleware: SynchronousMiddleware {
    private let logger: Logger
    private let level: Logger.Level

    /// Creates the middleware.
    /// - Parameters:
    ///   - logger: The logger to write to.
    ///   - level: The level of the per-request line; `.info` by default.
    public init(logger: Logger, level: Logger.Level = .info) {
        self.logger = logger
        self.level = level
    }

    /// Logs the request's outcome and its duration since `startedAt`.
    public func didRespond(to request: Request, with response: inout Response, startedAt: ContinuousClock.Instant) {
        let status = response.status.code
        let level: Logger.Level = status >= 500 ? .error : self.level
        guard self.logger.logLevel <= level else { return }
        let elapsed = ContinuousClock.now - startedAt
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        self.logger.log(
            level: level,
            "\(request.method) \(request.path) \(status)",
            metadata: [
                "request_id": .string(request.id),
                "method": .string(request.method.rawValue),
                "path": .string(String(request.path)),
                "status": .stringConvertible(status),
                "duration_ms": .string(String(format: milliseconds)),
            ]
        )
    }
}

extension String {
    /// `12.345` (three decimals), without Foundation's formatter.
    fileprivate init(format milliseconds: Double) {
        let thousandths = Int((milliseconds * 1000).rounded())
        let fraction = String(thousandths % 1000)
        self = "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
