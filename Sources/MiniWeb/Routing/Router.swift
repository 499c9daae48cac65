/// Collects routes, groups and middleware while an application is set up.
///
/// ```swift
/// let router = Router()
/// router.add(middleware: RequestIDMiddleware())
/// router.get("/healthz") { _ in ["status": "ok"] }
/// let api = router.group("/api", middleware: [AuthMiddleware()])
/// api.get("/users/:id") { request in try request.parameters.require("id") }
/// let app = try Application(router: router)
/// ```
///
/// The router is a builder: ``Application`` turns it into an immutable table when it is created
/// and reports every conflicting or malformed registration then, never at request time.
public final class Router: RouteHandlerRegistering {
    /// A route as registered.
    struct Registration {
        let method: HTTPMethod
        let path: String
        /// The middleware of the enclosing groups, outermost first.
        let groups: [RouteGroup.MiddlewareList]
        let middleware: [any Middleware]
        let handler: RouteHandler
    }

    private(set) var globalMiddleware: [any Middleware] = []
    private(set) var registrations: [Registration] = []

    /// Creates an empty router.
    public init() {}

    /// Adds middleware that runs for every request, in the order added, outside every group's
    /// and route's middleware: also for requests no route matches (404, 405) and whatever the
    /// order of registration.
    /// - Parameter middleware: The middleware.
    public func add(middleware: any Middleware) {
        self.globalMiddleware.append(middleware)
    }

    /// Adds middleware written as a closure; see ``add(middleware:)-(Middleware)``.
    /// - Parameter middleware: `(request, next) async throws -> Response`.
    public func add(middleware: @escaping @Sendable (Request, Responder) async throws -> Response) {
        self.globalMiddleware.append(ClosureMiddleware(middleware))
    }

    /// Registers a responder; see ``RouteBuilder``.
    public func addRoute(_ method: HTTPMethod, _ path: String, middleware: [any Middleware], responder: @escaping Responder) {
        self.addRoute(method, path, middleware: middleware, handler: RouteHandler(responder))
    }

    func addRoute(_ method: HTTPMethod, _ path: String, middleware: [any Middleware], handler: RouteHandler) {
        self.registrations.append(Registration(method: method, path: path, groups: [], middleware: middleware, handler: handler))
    }

    /// Creates a group of routes under a path prefix with middleware of its own.
    /// - Parameters:
    ///   - prefix: The path prefix, e.g. `/api/v1` (may contain parameters).
    ///   - middleware: The group's middleware, outermost first.
    /// - Returns: The group; register routes on it.
    public func group(_ prefix: String, middleware: [any Middleware] = []) -> RouteGroup {
        RouteGroup(router: self, parents: [], prefix: prefix, middleware: middleware)
    }

    func register(_ registration: Registration) {
        self.registrations.append(registration)
    }
}
