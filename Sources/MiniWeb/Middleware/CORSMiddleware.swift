/// Cross-origin resource sharing (CORS) for browser clients.
///
/// Answers preflight requests (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) with
/// 204 at once, and adds `Access-Control-Allow-Origin` (and the other configured headers) to the
/// responses of cross-origin requests, errors included. Requests without `Origin` pass untouched.
/// Add it as global middleware so that preflights for any route are answered.
public struct CORSMiddleware: SynchronousMiddleware {
    /// Which origins may read responses.
    public enum AllowedOrigin: Sendable {
        /// Any origin: `Access-Control-Allow-Origin: *` (not combinable with credentials).
        case any
        /// Echo the request's origin (any origin, credentials allowed).
        case originBased
        /// Only these origins, e.g. `["https://example.com"]`.
        case list([String])
    }

    let allowedOrigin: AllowedOrigin
    let allowedMethods: String
    let allowedHeaders: String
    let exposedHeaders: String?
    let allowCredentials: Bool
    let maxAge: Duration?

    /// Creates the middleware.
    /// - Parameters:
    ///   - allowedOrigin: Which origins are allowed; `.any` by default.
    ///   - allowedMethods: Methods allowed in preflights.
    ///   - allowedHeaders: Request headers allowed in preflights.
    ///   - exposedHeaders: Response headers the browser may expose to scripts.
    ///   - allowCredentials: Whether cookies and `Authorization` may be sent.
    ///   - maxAge: How long a browser may cache a preflight answer.
    public init(
        allowedOrigin: AllowedOrigin = .any,
        allowedMethods: [HTTPMethod] = [.get, .head, .post, .put, .patch, .delete],
        allowedHeaders: [String] = ["accept", "authorization", "content-type", "origin", "x-request-id"],
        exposedHeaders: [String] = [],
        allowCredentials: Bool = false,
        maxAge: Duration? = .seconds(600)
    ) {
        self.allowedOrigin = allowedOrigin
        self.allowedMethods = allowedMethods.map(\.rawValue).joined(separator: ", ")
        self.allowedHeaders = allowedHeaders.joined(separator: ", ")
        self.exposedHeaders = exposedHeaders.isEmpty ? nil : exposedHeaders.joined(separator: ", ")
        self.allowCredentials = allowCredentials
        self.maxAge = maxAge
    }

    /// Answers preflights.
    public func willRespond(to request: Request) -> MiddlewareDecision {
        guard let origin = request.headers["origin"], request.method == .options, request.headers.contains("access-control-request-method") else {
            return .pass
        }
        let allowOrigin = self.allowOriginValue(for: origin)
        var response = Response(status: .noContent)
        if let allowOrigin {
            response.headers["access-control-allow-origin"] = allowOrigin
            response.headers["access-control-allow-methods"] = self.allowedMethods
            response.headers["access-control-allow-headers"] = self.allowedHeaders
            if let maxAge = self.maxAge {
                response.headers["access-control-max-age"] = String(maxAge.components.seconds)
            }
            if self.allowCredentials {
                response.headers["access-control-allow-credentials"] = "true"
            }
        }
        self.addVary(to: &response)
        return .answer(response)
    }

    /// Decorates cross-origin responses.
    public func didRespond(to request: Request, with response: inout Response, startedAt: ContinuousClock.Instant) {
        guard let origin = request.headers["origin"] else { return }
        if let allowOrigin = self.allowOriginValue(for: origin) {
            response.headers["access-control-allow-origin"] = allowOrigin
            if self.allowCredentials {
                response.headers["access-control-allow-credentials"] = "true"
            }
            if let exposedHeaders = self.exposedHeaders {
                response.headers["access-control-expose-headers"] = exposedHeaders
            }
        }
        self.addVary(to: &response)
    }

    /// The `Access-Control-Allow-Origin` value for `origin`, or `nil` when it is not allowed.
    private func allowOriginValue(for origin: String) -> String? {
        switch self.allowedOrigin {
        case .any: "*"
        case .originBased: origin
        case .list(let origins): origins.contains(origin) ? origin : nil
        }
    }

    private func addVary(to response: inout Response) {
        if case .any = self.allowedOrigin { return }
        response.headers.add(name: "vary", value: "Origin")
    }
}
