/// Something that answers a request: a route handler, or the rest of a middleware chain.
public typealias Responder = @Sendable (Request) async throws -> Response

/// A step around the handlers of a router, a group or a route: the onion model.
///
/// A middleware receives the request and `next`, the rest of the chain. It can answer at once
/// (short-circuit), pass a changed copy of the request down, and change the response on the way
/// back. `next` never throws the errors of the handlers below it: they reach the middleware
/// already rendered as responses (404, 405 and 500 included), so that a middleware sees the
/// status every client sees.
///
/// ```swift
/// struct ServerHeader: Middleware {
///     func handle(_ request: Request, next: Responder) async throws -> Response {
///         var response = try await next(request)
///         response.headers["server"] = "MiniWeb"
///         return response
///     }
/// }
/// ```
public protocol Middleware: Sendable {
    /// Handles a request.
    /// - Parameters:
    ///   - request: The request as the middleware above passed it.
    ///   - next: The rest of the chain.
    /// - Returns: The response.
    /// - Throws: Any error; it is rendered as a response for the middleware above (an
    ///   ``HTTPError`` as itself, anything else as a 500).
    func handle(_ request: Request, next: Responder) async throws -> Response
}

/// A middleware made from a closure: `router.add { request, next in ... }`.
public struct ClosureMiddleware: Middleware {
    private let body: @Sendable (Request, Responder) async throws -> Response

    /// Creates a middleware from a closure.
    /// - Parameter body: The middleware's body, given the request and `next`.
    public init(_ body: @escaping @Sendable (Request, Responder) async throws -> Response) {
        self.body = body
    }

    /// Calls the closure.
    public func handle(_ request: Request, next: Responder) async throws -> Response {
        try await self.body(request, next)
    }
}
