import Foundation
import NIOCore
import NIOFoundationCompat

/// An HTTP response: status, headers and a body held in memory.
///
/// The server adds `Content-Length` (and `Connection` where needed); a response to `HEAD` is sent
/// without its body.
public struct Response: Sendable {
    /// The status.
    public var status: HTTPStatus
    /// The header fields.
    public var headers: Headers
    /// The body bytes.
    public var body: ByteBuffer
    /// The template of the route the request matched (e.g. `/users/:id`); `nil` when no route
    /// matched (400, 404, 405). A bounded label, e.g. for metrics: it is written into every
    /// response of a routed request, whatever produced it (the handler, a rendered error, a
    /// middleware's own answer), before a ``SynchronousMiddleware``'s `didRespond` sees it. An
    /// asynchronous ``Middleware`` may get a response without it from `next`, and reads the route
    /// as ``Request/route`` (requests are routed before any middleware runs).
    public internal(set) var route: String?

    /// Creates a response.
    /// - Parameters:
    ///   - status: The status; 200 by default.
    ///   - headers: The header fields.
    ///   - body: The body bytes; empty by default.
    public init(status: HTTPStatus = .ok, headers: Headers = Headers(), body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
        self.route = nil
    }

    /// A `text/plain; charset=utf-8` response.
    /// - Parameters:
    ///   - text: The body.
    ///   - status: The status; 200 by default.
    /// - Returns: The response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> Response {
        Response(
            status: status,
            headers: ["content-type": "text/plain; charset=utf-8"],
            body: ByteBuffer(string: text)
        )
    }

    /// An `application/json` response with `value` encoded by `JSONEncoder`.
    /// - Parameters:
    ///   - value: Any `Encodable` value.
    ///   - status: The status; 200 by default.
    ///   - encoder: The encoder to use; a default `JSONEncoder` when omitted.
    /// - Returns: The response.
    /// - Throws: `EncodingError` when `value` cannot be encoded (a 500 when it reaches the server).
    public static func json<Value: Encodable>(
        _ value: Value,
        status: HTTPStatus = .ok,
        encoder: JSONEncoder? = nil
    ) throws -> Response {
        var buffer = ByteBuffer()
        try (encoder ?? Response.sharedJSONEncoder).encode(value, into: &buffer)
        return Response(status: status, headers: ["content-type": "application/json; charset=utf-8"], body: buffer)
    }

    /// The encoder ``json(_:status:encoder:)`` uses by default: no escaped slashes in URLs. One
    /// immutable instance (never configured after this), because making a `JSONEncoder` costs
    /// more than encoding a small value.
    private static let sharedJSONEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// A response with no body: 204 No Content by default.
    /// - Parameter status: The status.
    /// - Returns: The response.
    public static func empty(status: HTTPStatus = .noContent) -> Response {
        Response(status: status)
    }
}
