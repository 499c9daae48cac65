/// What a route runs: its middleware and handler composed into one responder, plus what the
/// router needs to fill in ``Request/parameters`` and ``Request/route``.
struct RouteEndpoint: Sendable {
    let method: HTTPMethod
    let template: String
    let parameterNames: [String]
    let responder: Responder
}
