/// The values a route captured from the path: `:name` segments by name, `*` segments in order
/// and the rest of the path for a `**`.
///
/// For the route `/users/:id/files/**` and the path `/users/42/files/a/b.txt`,
/// `parameters["id"] == "42"` and `parameters.catchAll == ["a", "b.txt"]`.
public struct RouteParameters: Sendable {
    /// The names of the route's `:name` segments, shared by every request of the route.
    var names: [String]
    /// The captured values of the `:name` segments, in the order of `names`.
    var values: [String]
    /// The segments matched by `*`, in order.
    public internal(set) var wildcards: [String]
    /// The segments matched by a trailing `**` (empty when the route has none).
    public internal(set) var catchAll: [String]

    /// Creates empty parameters.
    public init() {
        self.names = []
        self.values = []
        self.wildcards = []
        self.catchAll = []
    }

    /// The value of the parameter `name` (percent-decoded), or `nil`.
    public subscript(name: String) -> String? {
        guard let index = self.names.firstIndex(of: name), index < self.values.count else { return nil }
        return self.values[index]
    }

    /// The value of the parameter `name`.
    /// - Throws: ``HTTPError`` 500 `route_parameter_missing` when the route has no such
    ///   parameter (a programming error, not the client's).
    public func require(_ name: String) throws(HTTPError) -> String {
        guard let value = self[name] else {
            throw HTTPError(.internalServerError, code: "route_parameter_missing", message: "Internal Server Error")
        }
        return value
    }

    /// The value of the parameter `name`, converted to `T`.
    /// - Throws: ``HTTPError`` 400 `route_parameter_invalid` when the value does not convert.
    public func require<T: LosslessStringConvertible>(_ name: String, as type: T.Type) throws(HTTPError) -> T {
        let text = try self.require(name)
        guard let value = T(text) else {
            throw HTTPError(.badRequest, code: "route_parameter_invalid", message: "The path parameter '\(name)' is not a valid \(T.self).")
        }
        return value
    }

    /// The `(name, value)` pairs of the `:name` segments.
    public var all: [(name: String, value: String)] {
        Array(zip(self.names, self.values))
    }
}
