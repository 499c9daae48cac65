/// The immutable routing table that serves requests: finds the route for a request, fills in
/// its parameters and runs it; 404 when no route matches the path, 405 with `Allow` when routes
/// match the path but none for the method.
///
/// Each route's responder is its whole chain: the global middleware, its groups' and its own
/// around its handler, composed once when the application is built. The request is routed before
/// any middleware runs, so one asynchronous step can run the global and the route's synchronous
/// middlewares together (each step is an async frame per request, on the connection task's
/// allocator), and global middleware sees ``Request/route`` on the way in. A request no route
/// answers goes through the global middleware around the routing error (400, 404 or 405).
struct RouterResponder: Sendable {
    let root: RouteNode
    /// The global middleware around the routing error, for requests no route answers.
    let unrouted: Responder

    /// Builds the table from a router's registrations.
    /// - Throws: ``RouterBuildError`` listing every duplicate or malformed registration.
    init(router: Router, errors: ErrorResponder) throws(RouterBuildError) {
        let global = router.globalMiddleware
        var trie = RouteTrieBuilder()
        for registration in router.registrations {
            let middleware = global + registration.groups.flatMap(\.items) + registration.middleware
            trie.insert(path: registration.path, method: registration.method) { pattern in
                RouteEndpoint(
                    method: registration.method,
                    template: pattern.template,
                    parameterNames: pattern.parameterNames,
                    responder: MiddlewareChain.compose(middleware, around: registration.handler, errors: errors, labelling: pattern.template)
                )
            }
        }
        guard trie.problems.isEmpty else { throw RouterBuildError(problems: trie.problems) }
        let root = trie.freeze()
        self.root = root
        self.unrouted = MiddlewareChain.compose(global, around: RouteHandler { request in throw Self.routingError(for: request, in: root) }, errors: errors)
    }

    /// The responder that answers a request, which it gives the route's template and parameters
    /// (in place: a copy would retain each of the request's references); ``unrouted`` when no
    /// route answers it.
    func route(_ request: inout Request) -> Responder {
        var captures = RouteCaptures()
        guard request.hasValidTarget, let endpoint = Self.find(request.method, request.pathComponents, 0, self.root, &captures) else {
            return self.unrouted
        }
        request.match = endpoint.match(captures)
        return endpoint.responder
    }

    /// Why no route answers `request`: 400 for an invalid target, otherwise 405 with the methods
    /// of every route matching the path, or 404 when there is none.
    private static func routingError(for request: Request, in root: RouteNode) -> HTTPError {
        guard request.hasValidTarget else {
            return HTTPError(.badRequest, code: "invalid_request_target", message: "The request target is not a valid percent-encoded UTF-8 path.")
        }
        var allowed = Set<HTTPMethod>()
        Self.collectMethods(request.pathComponents, 0, root, into: &allowed)
        guard !allowed.isEmpty else {
            return HTTPError(.notFound, code: "not_found", message: "No route matches \(request.method) \(request.path).")
        }
        let allow = allowed.sorted(by: Self.conventionalOrder).map(\.rawValue).joined(separator: ", ")
        return HTTPError(
            .methodNotAllowed,
            code: "method_not_allowed",
            message: "\(request.method) is not allowed here; allowed: \(allow).",
            headers: ["allow": allow]
        )
    }

    private static func find(
        _ method: HTTPMethod,
        _ components: [String],
        _ index: Int,
        _ node: RouteNode,
        _ captures: inout RouteCaptures
    ) -> RouteEndpoint? {
        if index == components.count {
            return node.endpoint(for: method)
        }
        let component = components[index]
        if let child = node.constants[component], let endpoint = Self.find(method, components, index + 1, child, &captures) {
            return endpoint
        }
        if let child = node.parameter {
            captures.values.append(component)
            if let endpoint = Self.find(method, components, index + 1, child, &captures) { return endpoint }
            captures.values.removeLast()
        }
        if let child = node.wildcard {
            captures.wildcards.append(component)
            if let endpoint = Self.find(method, components, index + 1, child, &captures) { return endpoint }
            captures.wildcards.removeLast()
        }
        if let child = node.catchAll, let endpoint = child.endpoint(for: method) {
            captures.catchAll = Array(components[index...])
            return endpoint
        }
        return nil
    }

    private static func collectMethods(_ components: [String], _ index: Int, _ node: RouteNode, into methods: inout Set<HTTPMethod>) {
        if index == components.count {
            methods.formUnion(node.allowedMethods)
            return
        }
        if let child = node.constants[components[index]] { Self.collectMethods(components, index + 1, child, into: &methods) }
        if let child = node.parameter { Self.collectMethods(components, index + 1, child, into: &methods) }
        if let child = node.wildcard { Self.collectMethods(components, index + 1, child, into: &methods) }
        if let child = node.catchAll { methods.formUnion(child.allowedMethods) }
    }

    /// GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, then others alphabetically.
    private static func conventionalOrder(_ lhs: HTTPMethod, _ rhs: HTTPMethod) -> Bool {
        let order: [HTTPMethod] = [.get, .head, .post, .put, .patch, .delete, .options]
        let left = order.firstIndex(of: lhs) ?? order.count
        let right = order.firstIndex(of: rhs) ?? order.count
        return left != right ? left < right : lhs.rawValue < rhs.rawValue
    }
}

/// The values captured while searching the trie.
struct RouteCaptures {
    var values: [String] = []
    var wildcards: [String] = []
    var catchAll: [String] = []
}
