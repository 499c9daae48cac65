/// Routes under a common path prefix that share middleware.
///
/// A group's middleware runs inside the router's global middleware and outside the middleware of
/// nested groups and routes. It applies to every route of the group, including routes registered
/// before the middleware was added.
public final class RouteGroup: RouteHandlerRegistering {
    /// A group's middleware, shared with the registrations of its routes so that middleware
    /// added later still applies to them. The registrations hold this list, not the group: a
    /// group holds its router, and the router holding the group back would be a retain cycle
    /// (found by the fuzz target's leak checker).
    final class MiddlewareList {
        var items: [any Middleware]
        init(_ items: [any Middleware]) { self.items = items }
    }

    private let router: Router
    private let parents: [RouteGroup]
    let prefix: String
    let middlewareList: MiddlewareList

    init(router: Router, parents: [RouteGroup], prefix: String, middleware: [any Middleware]) {
        self.router = router
        self.parents = parents
        self.prefix = prefix
        self.middlewareList = MiddlewareList(middleware)
    }

    /// Adds middleware to the group.
    /// - Parameter middleware: The middleware; it runs after the group's earlier middleware.
    public func add(middleware: any Middleware) {
        self.middlewareList.items.append(middleware)
    }

    /// Adds middleware written as a closure.
    /// - Parameter middleware: `(request, next) async throws -> Response`.
    public func add(middleware: @escaping @Sendable (Request, Responder) async throws -> Response) {
        self.middlewareList.items.append(ClosureMiddleware(middleware))
    }

    /// Creates a nested group.
    /// - Parameters:
    ///   - prefix: The nested prefix, appended to this group's.
    ///   - middleware: The nested group's middleware.
    /// - Returns: The nested group.
    public func group(_ prefix: String, middleware: [any Middleware] = []) -> RouteGroup {
        RouteGroup(router: self.router, parents: self.parents + [self], prefix: prefix, middleware: middleware)
    }

    /// Registers a responder under the group's prefix; see ``RouteBuilder``.
    public func addRoute(_ method: HTTPMethod, _ path: String, middleware: [any Middleware], responder: @escaping Responder) {
        self.addRoute(method, path, middleware: middleware, handler: RouteHandler(responder))
    }

    func addRoute(_ method: HTTPMethod, _ path: String, middleware: [any Middleware], handler: RouteHandler) {
        let chain = self.parents + [self]
        let fullPath = chain.map(\.prefix).joined(separator: "/") + "/" + path
        self.router.register(
            Router.Registration(method: method, path: fullPath, groups: chain.map(\.middlewareList), middleware: middleware, handler: handler)
        )
    }
}
