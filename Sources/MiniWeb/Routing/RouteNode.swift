/// A node of the immutable routing trie that serves requests.
///
/// Children are tried in precedence order: the constant child for the segment, then the
/// parameter child, then the `*` child, then the `**` child, backtracking when a branch does not
/// lead to a route for the method.
final class RouteNode: Sendable {
    let constants: [String: RouteNode]
    let parameter: RouteNode?
    let wildcard: RouteNode?
    let catchAll: RouteNode?
    /// The routes ending here, one per method (a handful at most: a linear scan beats hashing).
    let endpoints: [RouteEndpoint]

    init(constants: [String: RouteNode], parameter: RouteNode?, wildcard: RouteNode?, catchAll: RouteNode?, endpoints: [RouteEndpoint]) {
        self.constants = constants
        self.parameter = parameter
        self.wildcard = wildcard
        self.catchAll = catchAll
        self.endpoints = endpoints
    }

    /// The endpoint for `method`; `HEAD` falls back to `GET`.
    func endpoint(for method: HTTPMethod) -> RouteEndpoint? {
        var get: RouteEndpoint?
        for endpoint in self.endpoints {
            if endpoint.method == method { return endpoint }
            if endpoint.method == .get { get = endpoint }
        }
        return method == .head ? get : nil
    }

    /// The methods this node answers, `HEAD` included when `GET` is.
    var allowedMethods: Set<HTTPMethod> {
        var methods = Set(self.endpoints.map(\.method))
        if methods.contains(.get) { methods.insert(.head) }
        return methods
    }
}
