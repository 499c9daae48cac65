/// A middleware whose work before and after the rest of the chain never suspends: it looks at or
/// changes the request on the way in and the response on the way out, without `await`.
///
/// Most cross-cutting middleware is of this kind: request ids, logging, metrics, CORS, rate
/// limits, compression, security headers. Written as two hooks instead of ``Middleware/handle(_:next:)``,
/// it costs less: the chain runs consecutive synchronous middlewares (up to eight at a time) in one
/// asynchronous step, where each ``Middleware`` is an asynchronous frame of its own per request.
///
/// The semantics are the onion model's, exactly as if each middleware were written with
/// `handle(_:next:)`:
/// - ``willRespond(to:)`` runs on the way in, outermost first. It passes the request on, passes
///   a changed copy on (``MiddlewareDecision/passChanged(_:)``), or answers at once
///   (``MiddlewareDecision/answer(_:)``: nothing inside it runs, and its own
///   ``didRespond(to:with:startedAt:)`` does not run either).
/// - ``didRespond(to:with:startedAt:)`` runs on the way out, innermost first, with the request as
///   this middleware passed it on (its own changes included, not those of middleware inside it)
///   and the response from inside, errors already rendered as responses.
/// - An error thrown by either hook is rendered as a response for the middleware outside it.
///
/// A middleware that has to wait on the way in now and then (a token that is not in its cache
/// yet, say) returns ``MiddlewareDecision/continueAsynchronously`` from ``willRespond(to:)`` in that
/// case and implements ``willRespondAsynchronously(to:)``: it stays synchronous, and as cheap, on
/// its common path.
///
/// ```swift
/// struct ServerHeader: SynchronousMiddleware {
///     func didRespond(to request: Request, with response: inout Response, startedAt: ContinuousClock.Instant) {
///         response.headers["server"] = "MiniWeb"
///     }
/// }
/// ```
///
/// To carry a value from ``willRespond(to:)`` to ``didRespond(to:with:startedAt:)``, store it in
/// the request it passes on (``Request/storage``). The chain calls the hooks; a conforming type's own
/// `handle(_:next:)`, if it writes one, is not used by the chain.
public protocol SynchronousMiddleware: Middleware {
    /// Runs on the way in. The default implementation passes the request on.
    /// - Parameter request: The request as the middleware outside this one passed it.
    /// - Returns: Whether to pass the request on, changed or not, or to answer at once.
    /// - Throws: Any error; it is rendered as the response (an ``HTTPError`` as itself, anything
    ///   else as a 500), and nothing inside this middleware runs.
    func willRespond(to request: Request) throws -> MiddlewareDecision

    /// Runs on the way in, in place of ``willRespond(to:)``, when that returned
    /// ``MiddlewareDecision/continueAsynchronously``. The default implementation throws (a 500):
    /// a middleware that returns that decision must implement this hook.
    /// - Parameter request: The request as the middleware outside this one passed it (the one
    ///   ``willRespond(to:)`` was given).
    /// - Returns: Whether to pass the request on, changed or not, or to answer at once;
    ///   ``MiddlewareDecision/continueAsynchronously`` again is an error (a 500).
    /// - Throws: Any error, rendered as the response as for ``willRespond(to:)``.
    func willRespondAsynchronously(to request: Request) async throws -> MiddlewareDecision

    /// Runs on the way out. The default implementation does nothing.
    /// - Parameters:
    ///   - request: The request as this middleware passed it on.
    ///   - response: The response from inside, to change in place.
    ///   - startedAt: When the request reached this middleware (for a run of synchronous
    ///     middlewares, when it reached the first of them: the difference is the time of a few
    ///     synchronous calls).
    /// - Throws: Any error; it replaces the response with the error's rendering.
    func didRespond(to request: Request, with response: inout Response, startedAt: ContinuousClock.Instant) throws
}

extension SynchronousMiddleware {
    /// Passes the request on.
    public func willRespond(to request: Request) throws -> MiddlewareDecision {
        .pass
    }

    /// Throws: a middleware that returns ``MiddlewareDecision/continueAsynchronously`` must
    /// implement this hook.
    public func willRespondAsynchronously(to request: Request) async throws -> MiddlewareDecision {
        throw UnimplementedAsynchronousHook(middleware: Self.self)
    }

    /// Does nothing.
    public func didRespond(to request: Request, with response: inout Response, startedAt: ContinuousClock.Instant) throws {}

    /// Runs the two hooks around `next`, for callers outside a chain (the chain itself calls the
    /// hooks directly).
    /// - Parameters:
    ///   - request: The request.
    ///   - next: The rest of the chain.
    /// - Returns: The response.
    /// - Throws: What the hooks or `next` throw.
    public func handle(_ request: Request, next: Responder) async throws -> Response {
        let start = ContinuousClock.now
        var decision = try self.willRespond(to: request)
        if case .continueAsynchronously = decision {
            decision = try await self.willRespondAsynchronously(to: request)
        }
        switch decision {
        case .continueAsynchronously:
            throw UnimplementedAsynchronousHook(middleware: Self.self, repeated: true)
        case .pass:
            var response = try await next(request)
            try self.didRespond(to: request, with: &response, startedAt: start)
            return response
        case .passChanged(let changed):
            var response = try await next(changed)
            try self.didRespond(to: changed, with: &response, startedAt: start)
            return response
        case .answer(let response):
            return response
        }
    }
}

/// A ``SynchronousMiddleware`` asked to continue asynchronously without a working
/// ``SynchronousMiddleware/willRespondAsynchronously(to:)``: a programming error, rendered as a
/// 500 and logged with this description.
struct UnimplementedAsynchronousHook: Error, CustomStringConvertible {
    let middleware: any SynchronousMiddleware.Type
    /// Whether `willRespondAsynchronously` itself asked to continue asynchronously.
    var repeated = false

    var description: String {
        self.repeated
            ? "\(self.middleware).willRespondAsynchronously(to:) returned .continueAsynchronously; it must decide"
            : "\(self.middleware).willRespond(to:) returned .continueAsynchronously, but the middleware does not implement willRespondAsynchronously(to:)"
    }
}
