/// What a route runs: its middleware and handler composed into one responder, plus what the
/// router needs to fill in ``Request/parameters`` and ``Request/route``.
struct RouteEndpoint: Sendable {
    let method: HTTPMethod
    let template: String
    let parameterNames: [String]
    let responder: Responder
    /// The match of every request of a route that captures nothing, made once.
    let matchWithoutCaptures: RouteMatch

    init(method: HTTPMethod, template: String, parameterNames: [String], responder: @escaping Responder) {
        self.method = method
        self.template = template
        self.parameterNames = parameterNames
        self.responder = responder
        var none = RouteParameters()
        none.names = parameterNames
        self.matchWithoutCaptures = RouteMatch(template: template, parameters: none)
    }

    /// The match for a request, given what the lookup captured.
    func match(_ captures: RouteCaptures) -> RouteMatch {
        if captures.values.isEmpty, captures.wildcards.isEmpty, captures.catchAll.isEmpty {
            return self.matchWithoutCaptures
        }
        var parameters = RouteParameters()
        parameters.names = self.parameterNames
        parameters.values = captures.values
        parameters.wildcards = captures.wildcards
        parameters.catchAll = captures.catchAll
        return RouteMatch(template: self.template, parameters: parameters)
    }
}
