import Foundation

/// The parsed request target (RFC 9112 §3.2): the path, its decoded segments and the query.
struct RequestTarget {
    var path: Substring
    var components: [String]
    var query: QueryParameters
    var isValid: Bool

    init(parsing uri: String) {
        var rest = Substring(uri)
        self.isValid = true
        // absolute-form (`http://host/path`), which proxies send: keep the path.
        if !rest.hasPrefix("/"), let schemeEnd = rest.range(of: "://") {
            let afterAuthority = rest[schemeEnd.upperBound...]
            rest = afterAuthority.firstIndex(of: "/").map { afterAuthority[$0...] } ?? "/"
        } else if !rest.hasPrefix("/") && rest != "*" {
            self.isValid = false
        }
        if let hash = rest.firstIndex(of: "#") {
            rest = rest[..<hash]
        }
        let queryString: Substring
        if let question = rest.firstIndex(of: "?") {
            self.path = rest[..<question]
            queryString = rest[rest.index(after: question)...]
        } else {
            self.path = rest
            queryString = ""
        }
        self.components = []
        if let components = RequestTarget.decodeComponents(of: self.path) {
            self.components = components
        } else {
            self.isValid = false
        }
        if queryString.isEmpty {
            self.query = QueryParameters()
        } else if let query = QueryParameters(decoding: queryString) {
            self.query = query
        } else {
            self.query = QueryParameters()
            self.isValid = false
        }
    }

    /// Splits a path into percent-decoded segments, resolving empty, `.` and `..` segments.
    /// - Returns: `nil` when a segment is not valid percent-encoded UTF-8 or holds a NUL byte.
    static func decodeComponents(of path: Substring) -> [String]? {
        var components: [String] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = percentDecode(segment), !decoded.utf8.contains(0) else { return nil }
            switch decoded {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(decoded)
            }
        }
        return components
    }

    /// Percent-decodes `string` (with `+` left as it is).
    /// - Returns: `nil` for a malformed escape or bytes that are not UTF-8.
    static func percentDecode(_ string: Substring) -> String? {
        guard string.utf8.contains(UInt8(ascii: "%")) else { return String(string) }
        return String(string).removingPercentEncoding
    }
}
