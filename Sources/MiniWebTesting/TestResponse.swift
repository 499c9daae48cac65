import Foundation
import MiniWeb
import NIOCore
import NIOFoundationCompat

/// A response received by a ``TestClient``.
public struct TestResponse: Sendable {
    /// The status.
    public let status: HTTPStatus
    /// The header fields.
    public let headers: Headers
    /// The body bytes as received (still compressed if the server compressed them).
    public let body: ByteBuffer

    /// Creates a response.
    public init(status: HTTPStatus, headers: Headers, body: ByteBuffer) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text (invalid sequences replaced).
    public var text: String {
        String(decoding: self.body.readableBytesView, as: UTF8.self)
    }

    /// Decodes the body as JSON.
    /// - Parameter type: The type to decode.
    /// - Returns: The value.
    /// - Throws: `DecodingError` when the body does not decode.
    public func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try JSONDecoder().decode(Value.self, from: self.body)
    }

    /// The body decoded as MiniWeb's error shape, or `nil` when it is not one.
    public var error: ErrorBody? {
        try? self.decode(ErrorBody.self)
    }

    /// MiniWeb's JSON error shape: `{"code": 404, "error": "not_found", "msg": "..."}`.
    public struct ErrorBody: Decodable, Sendable, Equatable {
        /// The HTTP status code.
        public let code: Int
        /// The machine-readable error code.
        public let error: String
        /// The human-readable message.
        public let msg: String

        /// Creates an error body, to compare with ``TestResponse/error``.
        public init(code: Int, error: String, msg: String) {
            self.code = code
            self.error = error
            self.msg = msg
        }
    }
}
