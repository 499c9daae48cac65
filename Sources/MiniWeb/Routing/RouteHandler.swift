/// A route's handler as the router keeps it: its responder, and the same responder with its
/// errors rendered, which is what an asynchronous middleware gets as `next`.
///
/// The catching form is made in one step where it can be: for a handler of any
/// ``ResponseConvertible`` type, one closure calls the handler, converts its result and catches
/// its error. Wrapping the converting closure in a catching one was one more async call per
/// request behind every asynchronous middleware (its frames on the connection task's allocator,
/// and one more executor switch when it returns, each of which reads the task's executor
/// preference under a lock).
struct RouteHandler: Sendable {
    /// The handler; it throws what the handler throws.
    let responder: Responder
    private let catchingResponder: @Sendable (ErrorResponder) -> Responder

    /// A handler that already is a ``Responder``: its catching form wraps it.
    init(_ responder: @escaping Responder) {
        self.responder = responder
        self.catchingResponder = { errors in
            { request in
                do {
                    return try await responder(request)
                } catch {
                    return errors.response(for: error, to: request)
                }
            }
        }
    }

    /// A handler whose result is converted to a ``Response``.
    init<Output: ResponseConvertible>(converting handler: @escaping @Sendable (Request) async throws -> Output) {
        self.responder = { request in
            try await handler(request).makeResponse()
        }
        self.catchingResponder = { errors in
            { request in
                do {
                    return try await handler(request).makeResponse()
                } catch {
                    return errors.response(for: error, to: request)
                }
            }
        }
    }

    /// The responder with its errors rendered by `errors`: it never throws.
    func catching(_ errors: ErrorResponder) -> Responder {
        self.catchingResponder(errors)
    }
}

/// A ``RouteBuilder`` of this module, which keeps a route's ``RouteHandler`` rather than only its
/// responder. (``RouteBuilder/addRoute(_:_:middleware:responder:)`` is public, and a type outside
/// the module may conform; the registration methods use this where they can.)
protocol RouteHandlerRegistering: RouteBuilder {
    /// Registers a handler for a method and path.
    func addRoute(_ method: HTTPMethod, _ path: String, middleware: [any Middleware], handler: RouteHandler)
}
