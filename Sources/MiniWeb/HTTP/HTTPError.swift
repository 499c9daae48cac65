/// An error that becomes an HTTP response.
///
/// Throw it anywhere in a handler or middleware; MiniWeb renders it as
/// `{"code": <status>, "error": "<code>", "msg": "<message>"}` (or through the application's
/// ``ErrorRenderer``):
///
/// ```swift
/// throw HTTPError(.badRequest, code: "wx_code_missing", message: "The login code is missing.")
/// ```
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    /// The response status.
    public var status: HTTPStatus
    /// A stable, machine-readable code in `snake_case`, e.g. `"not_found"`. Clients branch on it.
    public var code: String
    /// A human-readable message. It is sent to the client: never put secrets in it.
    public var message: String
    /// Extra response headers, e.g. `Allow` for 405 or `WWW-Authenticate` for 401.
    public var headers: Headers

    /// Creates an error.
    /// - Parameters:
    ///   - status: The response status.
    ///   - code: The machine-readable code; by default derived from the status
    ///     (`404` → `"not_found"`).
    ///   - message: The human-readable message; by default the status's reason phrase.
    ///   - headers: Extra response headers.
    public init(_ status: HTTPStatus, code: String? = nil, message: String? = nil, headers: Headers = Headers()) {
        self.status = status
        self.code = code ?? HTTPError.defaultCode(for: status)
        self.message = message ?? (status.reasonPhrase.isEmpty ? "HTTP \(status.code)" : status.reasonPhrase)
        self.headers = headers
    }

    /// `"404 not_found: Not Found"`.
    public var description: String { "\(self.status.code) \(self.code): \(self.message)" }

    /// The snake_case form of a status's reason phrase, e.g. `"method_not_allowed"`.
    static func defaultCode(for status: HTTPStatus) -> String {
        guard !status.reasonPhrase.isEmpty else { return "http_\(status.code)" }
        var code = ""
        code.reserveCapacity(status.reasonPhrase.utf8.count)
        for character in status.reasonPhrase.lowercased() {
            if character.isLetter || character.isNumber {
                code.append(character)
            } else if !code.hasSuffix("_") {
                code.append("_")
            }
        }
        return code
    }
}

/// An error type of an application that knows which ``HTTPError`` it stands for.
///
/// MiniWeb renders a thrown error that conforms as its ``httpError``; any other error that is
/// not an ``HTTPError`` becomes a 500 with a generic message (and is logged in full).
public protocol HTTPErrorConvertible: Error {
    /// The HTTP error to send for this error.
    var httpError: HTTPError { get }
}

extension HTTPError: HTTPErrorConvertible {
    /// The error itself.
    public var httpError: HTTPError { self }
}
