/// What a ``SynchronousMiddleware`` decides on the way in.
///
/// Saying whether the request changed, rather than changing it in place, lets the chain pass an
/// unchanged request through a run of synchronous middlewares without copying it.
public enum MiddlewareDecision: Sendable {
    /// Pass the request on as it came.
    case pass
    /// Pass this request on instead: a changed copy of the one that came.
    case passChanged(Request)
    /// Answer at once with this response: nothing inside the middleware runs.
    case answer(Response)
    /// Decide after waiting: the chain calls the middleware's
    /// ``SynchronousMiddleware/willRespondAsynchronously(to:)`` with the same request, and goes on
    /// with what it decides. For a way in that is synchronous nearly always and has to wait only
    /// now and then (a cache miss, say).
    case continueAsynchronously
}
