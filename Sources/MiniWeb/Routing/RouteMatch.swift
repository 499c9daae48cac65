/// What the router found for a request: the route's template and the captured parameters, in one
/// shared box.
///
/// Every middleware step copies the request, so a request carries this one reference instead of
/// five fields to retain and release per copy. A route without captures has one match, made when
/// the application is built, that all its requests share.
final class RouteMatch: Sendable {
    let template: String
    let parameters: RouteParameters

    init(template: String, parameters: RouteParameters) {
        self.template = template
        self.parameters = parameters
    }
}
