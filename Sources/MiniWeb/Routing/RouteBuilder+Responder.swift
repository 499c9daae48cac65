/// Handlers that return a ``Response`` themselves: each is the route's responder as it is.
///
/// A handler of any other ``ResponseConvertible`` type is wrapped in a closure that converts its
/// result, which is one more asynchronous call per request (its frames, on the connection task's
/// allocator, and a copy of the response). For a handler whose type is already that of a
/// ``Responder`` these overloads are chosen instead, and the wrapper is left out. The behaviour
/// is the same either way.
extension RouteBuilder {
    /// Registers a handler that returns a ``Response`` for a method and path.
    /// - Parameters:
    ///   - method: The method.
    ///   - path: The path pattern, relative to the group's prefix.
    ///   - middleware: Middleware for this route only, outermost first.
    ///   - handler: The handler.
    /// - Returns: `self`, to chain registrations.
    @discardableResult
    public func on(_ method: HTTPMethod, _ path: String, middleware: [any Middleware] = [], use handler: @escaping Responder) -> Self {
        self.addRoute(method, path, middleware: middleware, responder: handler)
        return self
    }

    /// Registers a `GET` route (which also answers `HEAD`, without a body) whose handler returns a
    /// ``Response``.
    @discardableResult
    public func get(_ path: String, middleware: [any Middleware] = [], use handler: @escaping Responder) -> Self {
        self.on(.get, path, middleware: middleware, use: handler)
    }

    /// Registers a `POST` route whose handler returns a ``Response``.
    @discardableResult
    public func post(_ path: String, middleware: [any Middleware] = [], use handler: @escaping Responder) -> Self {
        self.on(.post, path, middleware: middleware, use: handler)
    }

    /// Registers a `PUT` route whose handler returns a ``Response``.
    @discardableResult
    public func put(_ path: String, middleware: [any Middleware] = [], use handler: @escaping Responder) -> Self {
        self.on(.put, path, middleware: middleware, use: handler)
    }

    /// Registers a `PATCH` route whose handler returns a ``Response``.
    @discardableResult
    public func patch(_ path: String, middleware: [any Middleware] = [], use handler: @escaping Responder) -> Self {
        self.on(.patch, path, middleware: middleware, use: handler)
    }

    /// Registers a `DELETE` route whose handler returns a ``Response``.
    @discardableResult
    public func delete(_ path: String, middleware: [any Middleware] = [], use handler: @escaping Responder) -> Self {
        self.on(.delete, path, middleware: middleware, use: handler)
    }

    /// Registers a `HEAD` route whose handler returns a ``Response``.
    @discardableResult
    public func head(_ path: String, middleware: [any Middleware] = [], use handler: @escaping Responder) -> Self {
        self.on(.head, path, middleware: middleware, use: handler)
    }

    /// Registers an `OPTIONS` route whose handler returns a ``Response``.
    @discardableResult
    public func options(_ path: String, middleware: [any Middleware] = [], use handler: @escaping Responder) -> Self {
        self.on(.options, path, middleware: middleware, use: handler)
    }
}
