/// The decoded parameters of a request's query string, in order.
///
/// `?name=a+b&tag=x&tag=y` gives `query["name"] == "a b"` and `query.values(for: "tag") == ["x", "y"]`.
public struct QueryParameters: Sendable, Sequence {
    private var pairs: [(name: String, value: String)]

    /// Creates empty parameters.
    public init() {
        self.pairs = []
    }

    /// Decodes an `application/x-www-form-urlencoded` string (a query string, or a form body).
    /// - Parameter encoded: The string, without the leading `?`.
    /// - Returns: `nil` when an escape is malformed or decodes to bytes that are not UTF-8.
    public init?(decoding encoded: Substring) {
        self.pairs = []
        for field in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = field.firstIndex(of: "=") {
                name = field[..<equals]
                value = field[field.index(after: equals)...]
            } else {
                name = field
                value = ""
            }
            guard let decodedName = QueryParameters.formDecode(name),
                let decodedValue = QueryParameters.formDecode(value)
            else { return nil }
            self.pairs.append((decodedName, decodedValue))
        }
    }

    /// The first value of `name`, or `nil`.
    public subscript(name: String) -> String? {
        self.pairs.first { $0.name == name }?.value
    }

    /// Every value of `name`, in order.
    public func values(for name: String) -> [String] {
        self.pairs.filter { $0.name == name }.map(\.value)
    }

    /// The value of `name`.
    /// - Throws: ``HTTPError`` 400 `query_parameter_missing` when it is absent.
    public func require(_ name: String) throws(HTTPError) -> String {
        guard let value = self[name] else {
            throw HTTPError(.badRequest, code: "query_parameter_missing", message: "The query parameter '\(name)' is required.")
        }
        return value
    }

    /// The value of `name`, converted to `T`.
    /// - Throws: ``HTTPError`` 400 `query_parameter_missing` or `query_parameter_invalid`.
    public func require<T: LosslessStringConvertible>(_ name: String, as type: T.Type) throws(HTTPError) -> T {
        let text = try self.require(name)
        guard let value = T(text) else {
            throw HTTPError(.badRequest, code: "query_parameter_invalid", message: "The query parameter '\(name)' is not a valid \(T.self).")
        }
        return value
    }

    /// Whether there are no parameters.
    public var isEmpty: Bool { self.pairs.isEmpty }

    /// Iterates over `(name, value)` pairs in order.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        self.pairs.makeIterator()
    }

    /// Form-decodes a name or value: `+` is a space, then percent-escapes are decoded.
    private static func formDecode(_ string: Substring) -> String? {
        if !string.utf8.contains(UInt8(ascii: "+")) {
            return RequestTarget.percentDecode(string)
        }
        return RequestTarget.percentDecode(Substring(String(string.map { $0 == "+" ? " " : $0 })))
    }
}
