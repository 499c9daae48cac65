/// Something routes are registered on: a ``Router`` or a ``RouteGroup``.
///
/// Route paths are made of constant segments, `:name` parameters, `*` (any one segment) and a
/// final `**` (one or more segments). When several routes match, constants win over parameters,
/// parameters over `*`, and `*` over `**`; the router backtracks, so `/a/b/c` and `/a/:x/d` both
/// work. Empty segments and trailing slashes are ignored: `/users/` is `/users`.
public protocol RouteBuilder: AnyObject {
    /// Registers a responder for a method and path; the `get`, `post`, ... methods call this.
    /// - Parameters:
    ///   - method: The method.
    ///   - path: The path pattern, relative to the group's prefix.
    ///   - middleware: Middleware for this route only, outermost first; it runs inside the
    ///     router's and the groups' middleware.
    ///   - responder: The handler.
    func addRoute(_ method: HTTPMethod, _ path: String, middleware: [any Middleware], responder: @escaping Responder)
}

extension RouteBuilder {
    /// Registers a handler for a method and path.
    /// - Parameters:
    ///   - method: The method.
    ///   - path: The path pattern, relative to the group's prefix.
    ///   - middleware: Middleware for this route only, outermost first.
    ///   - handler: The handler; it returns any ``ResponseConvertible`` value.
    /// - Returns: `self`, to chain registrations.
    @discardableResult
    public func on<Output: ResponseConvertible>(
        _ method: HTTPMethod,
        _ path: String,
        middleware: [any Middleware] = [],
        use handler: @escaping @Sendable (Request) async throws -> Output
    ) -> Self {
        let handler = RouteHandler(converting: handler)
        if let registering = self as? any RouteHandlerRegistering {
            registering.addRoute(method, path, middleware: middleware, handler: handler)
        } else {
            self.addRoute(method, path, middleware: middleware, responder: handler.responder)
        }
        return self
    }

    /// Registers a `GET` route (which also answers `HEAD`, without a body).
    @discardableResult
    public func get<Output: ResponseConvertible>(
        _ path: String,
        middleware: [any Middleware] = [],
        use handler: @escaping @Sendable (Request) async throws -> Output
    ) -> Self {
        self.on(.get, path, middleware: middleware, use: handler)
    }

    /// Registers a `POST` route.
    @discardableResult
    public func post<Output: ResponseConvertible>(
        _ path: String,
        middleware: [any Middleware] = [],
        use handler: @escaping @Sendable (Request) async throws -> Output
    ) -> Self {
        self.on(.post, path, middleware: middleware, use: handler)
    }

    /// Registers a `PUT` route.
    @discardableResult
    public func put<Output: ResponseConvertible>(
        _ path: String,
        middleware: [any Middleware] = [],
        use handler: @escaping @Sendable (Request) async throws -> Output
    ) -> Self {
        self.on(.put, path, middleware: middleware, use: handler)
    }

    /// Registers a `PATCH` route.
    @discardableResult
    public func patch<Output: ResponseConvertible>(
        _ path: String,
        middleware: [any Middleware] = [],
        use handler: @escaping @Sendable (Request) async throws -> Output
    ) -> Self {
        self.on(.patch, path, middleware: middleware, use: handler)
    }

    /// Registers a `DELETE` route.
    @discardableResult
    public func delete<Output: ResponseConvertible>(
        _ path: String,
        middleware: [any Middleware] = [],
        use handler: @escaping @Sendable (Request) async throws -> Output
    ) -> Self {
        self.on(.delete, path, middleware: middleware, use: handler)
    }

    /// Registers a `HEAD` route (otherwise `HEAD` is answered by the `GET` route).
    @discardableResult
    public func head<Output: ResponseConvertible>(
        _ path: String,
        middleware: [any Middleware] = [],
        use handler: @escaping @Sendable (Request) async throws -> Output
    ) -> Self {
        self.on(.head, path, middleware: middleware, use: handler)
    }

    /// Registers an `OPTIONS` route.
    @discardableResult
    public func options<Output: ResponseConvertible>(
        _ path: String,
        middleware: [any Middleware] = [],
        use handler: @escaping @Sendable (Request) async throws -> Output
    ) -> Self {
        self.on(.options, path, middleware: middleware, use: handler)
    }
}
