/// Builds a responder from middleware around an endpoint, once, when the application is built.
///
/// Every middleware sees a response from `next`: what the step inside it throws is caught and
/// rendered. Consecutive ``SynchronousMiddleware`` share one step (``SynchronousMiddlewareRun``),
/// the others get one each. The closures are made once per route, not per request.
enum MiddlewareChain {
    /// - Parameters:
    ///   - middleware: Outermost first.
    ///   - endpoint: The route's handler, which the innermost middleware calls.
    ///   - errors: Renders thrown errors.
    ///   - route: The route's template, which each run of synchronous middlewares writes into
    ///     the response (``Response/route``) before its `didRespond` hooks see it.
    /// - Returns: The composed responder. It throws only when there is no middleware: then it is
    ///   `endpoint`'s responder itself, and the caller renders its errors.
    static func compose(
        _ middleware: [any Middleware],
        around endpoint: RouteHandler,
        errors: ErrorResponder,
        labelling route: String? = nil
    ) -> Responder {
        // Each step is an async frame per request (allocated from the connection task's
        // allocator), so there are as few as the semantics allow: a run of synchronous
        // middlewares catches its inner errors itself, and under an asynchronous middleware the
        // endpoint is its handler's catching form (one step, not a catching one around it; see
        // `RouteHandler`). Asynchronous steps do not write the route: returning `handle`'s
        // response as it is lets it go straight into the caller's frame, and labelling it made
        // each such step's frame 432 + 432 bytes instead of 432 + 256. The catch blocks are
        // calls that are never inlined.
        var layers: [Layer] = []
        for step in middleware {
            if let synchronous = step as? any SynchronousMiddleware {
                if case .run(let steps) = layers.last, steps.count < SynchronousMiddlewareRun.capacity {
                    layers[layers.count - 1] = .run(steps + [synchronous])
                } else {
                    layers.append(.run([synchronous]))
                }
            } else {
                layers.append(.step(step))
            }
        }
        var next = endpoint.responder
        var nextThrows = true
        for layer in layers.reversed() {
            switch layer {
            case .run(let steps):
                let run = SynchronousMiddlewareRun(steps: steps, inner: next, errors: errors, label: route)
                next = { request in await run.respond(to: request) }
            case .step(let step):
                let inner = nextThrows ? endpoint.catching(errors) : next
                next = { request in
                    do {
                        return try await step.handle(request, next: inner)
                    } catch {
                        return errors.response(for: error, to: request)
                    }
                }
            }
            nextThrows = false
        }
        return next
    }

    /// One asynchronous step of a chain, or a run of synchronous ones.
    private enum Layer {
        case run([any SynchronousMiddleware])
        case step(any Middleware)
    }

    /// Writes the route into the response, when there is one to write. In place: taking and
    /// returning the response copied it (a retain of each of its references).
    @inline(never)
    static func label(_ response: inout Response, route: String?) {
        if let route {
            response.route = route
        }
    }
}
