/// Builds a responder from middleware around an endpoint, once, when the application is built.
///
/// Each step catches what the step inside it throws and renders it, so every middleware sees a
/// response. The closures are made once per route, not per request.
enum MiddlewareChain {
    /// - Parameters:
    ///   - middleware: Outermost first.
    ///   - endpoint: What the innermost middleware calls.
    ///   - errors: Renders thrown errors.
    /// - Returns: The composed responder; it does not throw.
    static func compose(_ middleware: [any Middleware], around endpoint: @escaping Responder, errors: ErrorResponder) -> Responder {
        var next: Responder = { request in
            do {
                return try await endpoint(request)
            } catch {
                return errors.response(for: error, to: request)
            }
        }
        for step in middleware.reversed() {
            let inner = next
            next = { request in
                do {
                    return try await step.handle(request, next: inner)
                } catch {
                    return errors.response(for: error, to: request)
                }
            }
        }
        return next
    }
}
