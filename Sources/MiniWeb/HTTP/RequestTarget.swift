import Foundation

/// The parsed request target (RFC 9112 §3.2): the path, its decoded segments and the query.
struct RequestTarget {
    var path: Substring
    var components: [String]
    var query: QueryParameters
    var isValid: Bool

    init(parsing uri: String) {
        // Scanned as UTF-8 bytes (every delimiter is ASCII): `Character`-wise search and
        // splitting cost a grapheme-breaking pass and showed up in profiles of every request.
        var rest = Substring(uri)
        self.isValid = true
        if rest.utf8.first != UInt8(ascii: "/") {
            // absolute-form (`http://host/path`), which proxies send: keep the path.
            if let schemeEnd = rest.range(of: "://") {
                let afterAuthority = rest[schemeEnd.upperBound...]
                rest = afterAuthority.utf8.firstIndex(of: UInt8(ascii: "/")).map { afterAuthority[$0...] } ?? "/"
            } else if rest != "*" {
                self.isValid = false
            }
        }
        if let hash = rest.utf8.firstIndex(of: UInt8(ascii: "#")) {
            rest = rest[..<hash]
        }
        let queryString: Substring
        if let question = rest.utf8.firstIndex(of: UInt8(ascii: "?")) {
            self.path = rest[..<question]
            queryString = rest[rest.utf8.index(after: question)...]
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
        let utf8 = path.utf8
        // At most one component per slash: one allocation, where growing the array by appends
        // made two for a path of two segments.
        var components: [String] = []
        components.reserveCapacity(utf8.reduce(0) { $1 == UInt8(ascii: "/") ? $0 + 1 : $0 })
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "/")) ?? utf8.endIndex
            if start < end {
                guard let decoded = percentDecode(path[start..<end]), !decoded.utf8.contains(0) else { return nil }
                // Dot segments by their bytes: a `String` comparison goes through the
                // general comparison path for every segment of every request.
                let dots = decoded.utf8.count <= 2 && decoded.utf8.allSatisfy { $0 == UInt8(ascii: ".") } ? decoded.utf8.count : 0
                switch dots {
                case 1: break
                case 2: _ = components.popLast()
                default: components.append(decoded)
                }
            }
            start = end < utf8.endIndex ? utf8.index(after: end) : end
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
