/// Builds a responder from middleware around an endpoint, once, when the application is built.
///
/// Each step catches what the step inside it throws and renders it, so every middleware sees a
/// response. Consecutive ``SynchronousMiddleware`` share one step (``SynchronousMiddlewareRun``).
/// The closures are made once per route, not per request.
enum MiddlewareChain {
    /// - Parameters:
    ///   - middleware: Outermost first.
    ///   - endpoint: What the innermost middleware calls.
    ///   - errors: Renders thrown errors.
    ///   - route: The route's template, which the outermost step writes into every response
    ///     (``Response/route``), rendered errors included; `nil` leaves responses as they are.
    /// - Returns: The composed responder; it does not throw.
    static func compose(
        _ middleware: [any Middleware],
        around endpoint: @escaping Responder,
        errors: ErrorResponder,
        labelling route: String? = nil
    ) -> Responder {
        // Each step is an async frame per request, so the steps are kept small: the catch block
        // is a call that is never inlined (`ErrorResponder.response(for:to:)`), and the route is
        // written by a step of its own, whose frame holds no `Response` variable.
        var next: Responder = { request in
            do {
                return try await endpoint(request)
            } catch {
                return errors.response(for: error, to: request)
            }
        }
        // Innermost first. Consecutive synchronous middlewares share one step (a run, bounded
        // by its capacity); the others get a step each.
        var run: [any SynchronousMiddleware] = []
        func closeRun() {
            guard !run.isEmpty else { return }
            let step = SynchronousMiddlewareRun(steps: run.reversed(), inner: next, errors: errors)
            next = { request in await step.respond(to: request) }
            run = []
        }
        for step in middleware.reversed() {
            if let synchronous = step as? any SynchronousMiddleware {
                run.append(synchronous)
                if run.count == SynchronousMiddlewareRun.capacity { closeRun() }
                continue
            }
            closeRun()
            let inner = next
            next = { request in
                do {
                    return try await step.handle(request, next: inner)
                } catch {
                    return errors.response(for: error, to: request)
                }
            }
        }
        closeRun()
        guard let route else { return next }
        let chain = next
        return { request in Self.labelled(try await chain(request), route: route) }
    }

    @inline(never)
    private static func labelled(_ response: consuming Response, route: String) -> Response {
        response.route = route
        return response
    }
}
