/// The mutable trie the router's registrations are inserted into, then frozen into
/// ``RouteNode``s. Conflicts are collected, not thrown one at a time, so that a developer sees
/// all of them at once.
struct RouteTrieBuilder {
    private final class Node {
        var constants: [String: Node] = [:]
        var parameter: Node?
        var wildcard: Node?
        var catchAll: Node?
        var endpoints: [RouteEndpoint] = []

        func child(for segment: RouteSegment) -> Node {
            switch segment {
            case .constant(let text):
                if let node = self.constants[text] { return node }
                let node = Node()
                self.constants[text] = node
                return node
            case .parameter:
                if let node = self.parameter { return node }
                let node = Node()
                self.parameter = node
                return node
            case .wildcard:
                if let node = self.wildcard { return node }
                let node = Node()
                self.wildcard = node
                return node
            case .catchAll:
                if let node = self.catchAll { return node }
                let node = Node()
                self.catchAll = node
                return node
            }
        }

        func freeze() -> RouteNode {
            RouteNode(
                constants: self.constants.mapValues { $0.freeze() },
                parameter: self.parameter?.freeze(),
                wildcard: self.wildcard?.freeze(),
                catchAll: self.catchAll?.freeze(),
                endpoints: self.endpoints
            )
        }
    }

    private let root = Node()
    private(set) var problems: [String] = []

    /// Inserts a route.
    /// - Parameters:
    ///   - path: The full route path, prefixes included.
    ///   - method: The method.
    ///   - makeEndpoint: Makes the endpoint from the parsed pattern.
    mutating func insert(path: String, method: HTTPMethod, makeEndpoint: (RoutePattern) -> RouteEndpoint) {
        let pattern: RoutePattern
        do {
            pattern = try RoutePattern(parsing: path)
        } catch {
            self.problems.append("\(method) \(path): \(error.reason)")
            return
        }
        guard !method.rawValue.isEmpty, method.rawValue.utf8.allSatisfy(Self.isTokenCharacter) else {
            self.problems.append("\(method) \(pattern.template): '\(method)' is not a valid method token")
            return
        }
        var node = self.root
        for segment in pattern.segments {
            node = node.child(for: segment)
        }
        if let existing = node.endpoints.first(where: { $0.method == method }) {
            if existing.template == pattern.template {
                self.problems.append("\(method) \(pattern.template) is registered twice")
            } else {
                self.problems.append("\(method) \(pattern.template) conflicts with \(method) \(existing.template): they match the same paths")
            }
            return
        }
        node.endpoints.append(makeEndpoint(pattern))
    }

    /// The immutable trie.
    func freeze() -> RouteNode {
        self.root.freeze()
    }

    /// RFC 9110 `tchar`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
