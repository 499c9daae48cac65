/// One segment of a route pattern.
enum RouteSegment: Hashable, Sendable {
    /// Matches exactly this text (compared with the percent-decoded path segment).
    case constant(String)
    /// `:name`: matches any one segment and captures it as `name`.
    case parameter(String)
    /// `*`: matches any one segment.
    case wildcard
    /// `**`: matches one or more remaining segments; only as the last segment.
    case catchAll
}

/// A parsed route path such as `/users/:id/files/**`.
struct RoutePattern: Sendable {
    let segments: [RouteSegment]
    /// The normalised template, e.g. `/users/:id/files/**`.
    let template: String
    /// The names of the `:name` segments, in order.
    let parameterNames: [String]

    /// Parses a route path.
    /// - Throws: A description of what is wrong with the pattern.
    init(parsing path: String) throws(RoutePatternError) {
        var segments: [RouteSegment] = []
        var names: [String] = []
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        for (index, part) in parts.enumerated() {
            if part == "**" {
                guard index == parts.count - 1 else {
                    throw RoutePatternError("'**' must be the last segment")
                }
                segments.append(.catchAll)
            } else if part == "*" {
                segments.append(.wildcard)
            } else if part.hasPrefix(":") {
                let name = String(part.dropFirst())
                guard !name.isEmpty else { throw RoutePatternError("a ':' parameter needs a name") }
                guard !names.contains(name) else { throw RoutePatternError("the parameter ':\(name)' appears twice") }
                names.append(name)
                segments.append(.parameter(name))
            } else {
                segments.append(.constant(String(part)))
            }
        }
        self.segments = segments
        self.parameterNames = names
        self.template = "/" + segments.map { segment in
            switch segment {
            case .constant(let text): text
            case .parameter(let name): ":" + name
            case .wildcard: "*"
            case .catchAll: "**"
            }
        }.joined(separator: "/")
    }
}

/// Why a route path could not be parsed.
struct RoutePatternError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
