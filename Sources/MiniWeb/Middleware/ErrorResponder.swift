import Logging

/// Turns any error thrown by a handler or middleware into the response the client gets.
///
/// An ``HTTPErrorConvertible`` error is rendered as its ``HTTPError``. Anything else is a bug or
/// an outage the client should not learn details of: it becomes a generic 500 and is logged in
/// full with the request id.
struct ErrorResponder: Sendable {
    let renderer: ErrorRenderer
    let logger: Logger

    // Never inlined: it is the catch block of every step of every middleware chain, and inline it
    // would grow each step's async frame (allocated per request from the connection task's
    // allocator: every value an async function holds has a slot in it).
    @inline(never)
    func response(for error: any Error, to request: Request) -> Response {
        if let convertible = error as? any HTTPErrorConvertible {
            return self.renderer.render(convertible.httpError)
        }
        if error is CancellationError {
            return self.renderer.render(HTTPError(.serviceUnavailable, code: "request_cancelled", message: "The request was cancelled."))
        }
        self.logger.error(
            "Unhandled error; answering 500",
            metadata: [
                "request_id": .string(request.id),
                "method": .string(request.method.rawValue),
                "path": .string(String(request.path)),
                "error": .string(String(reflecting: error)),
            ]
        )
        return self.renderer.render(HTTPError(.internalServerError, code: "internal_error", message: "Internal Server Error"))
    }
}
