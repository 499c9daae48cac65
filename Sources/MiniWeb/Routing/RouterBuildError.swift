/// The problems found in a router's registrations when an ``Application`` is built: duplicate
/// routes and malformed paths. MiniWeb refuses to start rather than serve an ambiguous table.
public struct RouterBuildError: Error, Sendable, CustomStringConvertible {
    /// One line per problem, e.g. `"GET /users/:id is registered twice"`.
    public let problems: [String]

    /// All problems, one a line.
    public var description: String {
        "The router has \(self.problems.count) invalid registration(s):\n" + self.problems.map { "  - " + $0 }.joined(separator: "\n")
    }
}
