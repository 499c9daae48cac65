/// An HTTP request method, such as `GET` or `POST`.
///
/// Methods are case-sensitive tokens (RFC 9110 §9.1); the common ones are available as static
/// properties. Any other token the client sends is kept as it is.
public struct HTTPMethod: Sendable, Hashable, RawRepresentable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The method token, e.g. `"GET"`.
    public let rawValue: String

    /// Creates a method from its token.
    /// - Parameter rawValue: The method token exactly as it appears on the request line.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Creates a method from a string literal, e.g. `let method: HTTPMethod = "PROPFIND"`.
    /// - Parameter value: The method token.
    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    /// The method token.
    public var description: String { self.rawValue }

    /// `GET`
    public static let get = HTTPMethod(rawValue: "GET")
    /// `HEAD`: answered from the `GET` route without a body when no `HEAD` route exists.
    public static let head = HTTPMethod(rawValue: "HEAD")
    /// `POST`
    public static let post = HTTPMethod(rawValue: "POST")
    /// `PUT`
    public static let put = HTTPMethod(rawValue: "PUT")
    /// `PATCH`
    public static let patch = HTTPMethod(rawValue: "PATCH")
    /// `DELETE`
    public static let delete = HTTPMethod(rawValue: "DELETE")
    /// `OPTIONS`
    public static let options = HTTPMethod(rawValue: "OPTIONS")
    /// `CONNECT`
    public static let connect = HTTPMethod(rawValue: "CONNECT")
    /// `TRACE`
    public static let trace = HTTPMethod(rawValue: "TRACE")
}
