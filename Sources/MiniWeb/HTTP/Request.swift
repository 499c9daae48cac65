import NIOCore

/// An HTTP request, with its body read into memory.
///
/// A request is a value. A middleware that wants to tell the handlers below it something
/// changes a copy and passes it down:
///
/// ```swift
/// var request = request
/// request.storage[CurrentUserKey.self] = user
/// return try await next(request)
/// ```
public struct Request: Sendable {
    /// What never changes after parsing, in one shared box: a middleware's copy of the request
    /// then costs one reference count for all of it, not one per field.
    final class Line: Sendable {
        let method: HTTPMethod
        let uri: String
        let path: Substring
        let pathComponents: [String]
        let query: QueryParameters
        let version: HTTPVersion
        let remoteAddress: RemoteAddress?
        let hasValidTarget: Bool

        init(method: HTTPMethod, uri: String, version: HTTPVersion, remoteAddress: RemoteAddress?) {
            let target = RequestTarget(parsing: uri)
            self.method = method
            self.uri = uri
            self.path = target.path
            self.pathComponents = target.components
            self.query = target.query
            self.version = version
            self.remoteAddress = remoteAddress
            self.hasValidTarget = target.isValid
        }
    }

    private let line: Line

    /// The request method.
    public var method: HTTPMethod { self.line.method }
    /// The request target exactly as received, e.g. `/users/42?fields=name`.
    public var uri: String { self.line.uri }
    /// The path of the target, still percent-encoded, e.g. `/files/a%20b`.
    public var path: Substring { self.line.path }
    /// The path's segments, percent-decoded, with empty, `.` and `..` segments resolved:
    /// `/files//a%20b/` gives `["files", "a b"]`.
    public var pathComponents: [String] { self.line.pathComponents }
    /// The decoded query parameters.
    public var query: QueryParameters { self.line.query }
    /// The HTTP version of the request line.
    public var version: HTTPVersion { self.line.version }
    /// The address of the client, when the request came over a socket.
    public var remoteAddress: RemoteAddress? { self.line.remoteAddress }
    /// Whether the target could be parsed and percent-decoded; the router answers 400 otherwise.
    var hasValidTarget: Bool { self.line.hasValidTarget }

    /// The header fields (names compare case-insensitively).
    public var headers: Headers
    /// The body bytes: empty when the request has none. The server refuses bodies over its
    /// configured limit before they reach a handler.
    public var body: ByteBuffer
    /// An identifier for this request, for logs and the `X-Request-Id` header.
    public var id: String
    /// The parameters captured by the route (`:name`, `*` and `**` segments).
    public var parameters: RouteParameters { self.match?.parameters ?? RouteParameters() }
    /// The template of the route that matched, e.g. `/users/:id`, or `nil` before routing and
    /// when no route matched. Use it, not the path, as a label for metrics.
    public var route: String? { self.match?.template }
    /// Set by the router.
    var match: RouteMatch?
    /// Typed values that middleware attach for the handlers below it.
    public var storage: RequestStorage

    /// Creates a request, parsing and decoding the target.
    /// - Parameters:
    ///   - method: The method.
    ///   - uri: The request target, e.g. `/users/42?verbose=1`.
    ///   - version: The HTTP version; 1.1 by default.
    ///   - headers: The header fields.
    ///   - body: The body bytes.
    ///   - remoteAddress: The client's address, when known.
    ///   - id: The request identifier; a random one by default.
    public init(
        method: HTTPMethod,
        uri: String,
        version: HTTPVersion = .http1_1,
        headers: Headers = Headers(),
        body: ByteBuffer = ByteBuffer(),
        remoteAddress: RemoteAddress? = nil,
        id: String? = nil
    ) {
        self.line = Line(method: method, uri: uri, version: version, remoteAddress: remoteAddress)
        self.headers = headers
        self.body = body
        if let id {
            self.id = id
        } else {
            var generator = RequestIDGenerator()
            self.id = generator.next()
        }
        self.match = nil
        self.storage = RequestStorage()
    }
}

/// The HTTP version of a request.
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    /// The major version.
    public let major: Int
    /// The minor version.
    public let minor: Int

    /// Creates a version.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// HTTP/1.0
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    /// HTTP/1.1
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    /// `"HTTP/1.1"`.
    public var description: String { "HTTP/\(self.major).\(self.minor)" }
}

/// The network address of a client.
public struct RemoteAddress: Sendable, Hashable, CustomStringConvertible {
    /// The IP address in text form, e.g. `127.0.0.1` or `::1`.
    public let ip: String
    /// The client's port.
    public let port: Int

    /// Creates an address.
    public init(ip: String, port: Int) {
        self.ip = ip
        self.port = port
    }

    /// `127.0.0.1:53120`, or `[::1]:53120`.
    public var description: String {
        self.ip.contains(":") ? "[\(self.ip)]:\(self.port)" : "\(self.ip):\(self.port)"
    }
}
