/// A value a route handler can return: MiniWeb turns it into a ``Response``.
///
/// `Response`, `String` (as `text/plain`) and `HTTPStatus` (an empty body) conform. Make your own
/// `Encodable` types conform to ``ResponseEncodable`` to return them as JSON.
public protocol ResponseConvertible: SendableMetatype {
    /// The response for this value.
    /// - Throws: When the value cannot be turned into a response (e.g. an encoding failure).
    func makeResponse() throws -> Response
}

/// An `Encodable` value that a handler returns as an `application/json` response.
///
/// ```swift
/// struct Health: ResponseEncodable { let status: String }
/// router.get("/healthz") { _ in Health(status: "ok") }
/// ```
public protocol ResponseEncodable: ResponseConvertible, Encodable {}

extension ResponseEncodable {
    /// Encodes the value as JSON with status 200.
    public func makeResponse() throws -> Response {
        try Response.json(self)
    }
}

extension Response: ResponseConvertible {
    /// The response itself.
    public func makeResponse() -> Response { self }
}

extension String: ResponseConvertible {
    /// A `text/plain; charset=utf-8` response with status 200.
    public func makeResponse() -> Response { Response.text(self) }
}

extension HTTPStatus: ResponseConvertible {
    /// A response with this status and no body.
    public func makeResponse() -> Response { Response(status: self) }
}

extension Dictionary: ResponseConvertible where Key == String, Value: Encodable {
    /// The dictionary as a JSON object, status 200.
    public func makeResponse() throws -> Response { try Response.json(self) }
}

extension Array: ResponseConvertible where Element: Encodable {
    /// The array as JSON, status 200.
    public func makeResponse() throws -> Response { try Response.json(self) }
}
