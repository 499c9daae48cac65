import NIOHTTP1

/// The header fields of a request or response.
///
/// Names compare case-insensitively; the order of fields and repeated fields are kept.
/// (Internally this is SwiftNIO's `HTTPHeaders`, so the server hands fields to and from the
/// wire without converting them.)
public struct Headers: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    var storage: NIOHTTP1.HTTPHeaders

    init(storage: NIOHTTP1.HTTPHeaders) {
        self.storage = storage
    }

    /// Creates an empty set of fields.
    public init() {
        self.storage = NIOHTTP1.HTTPHeaders()
    }

    /// Creates fields from `name: value` pairs, in order.
    /// - Parameter fields: The fields; a name may repeat.
    public init(_ fields: [(String, String)]) {
        self.storage = Self.storage(fields)
    }

    /// Creates fields from a dictionary literal, e.g. `["content-type": "text/plain"]`.
    /// - Parameter elements: The fields.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.storage = Self.storage(elements)
    }

    /// Room for the fields the server and the usual middleware add to a response
    /// (`Content-Length`, `Date`, `X-Request-Id`, `Vary`).
    private static let headroom = 4

    /// A list of its own with room to grow. Not NIO's `HTTPHeaders(fields)`, which keeps the
    /// array it is given: for a literal of constant strings that is a static, read-only array,
    /// so the first field added to a response copied it, and the next ones grew it again.
    private static func storage(_ fields: [(String, String)]) -> NIOHTTP1.HTTPHeaders {
        var storage = NIOHTTP1.HTTPHeaders()
        storage.reserveCapacity(fields.count + Self.headroom)
        for (name, value) in fields {
            storage.add(name: name, value: value)
        }
        return storage
    }

    /// The first value of the field `name`, or `nil`. Setting a value replaces every field of
    /// that name; setting `nil` removes them.
    public subscript(name: String) -> String? {
        get { self.storage.first(name: name) }
        set {
            if let newValue {
                // NIO's replaceOrAdd removes (rebuilding the list) before it appends; most fields
                // set on a response are new ones, for which a scan and an append suffice.
                if self.storage.contains(name: name) {
                    self.storage.replaceOrAdd(name: name, value: newValue)
                } else {
                    self.storage.add(name: name, value: newValue)
                }
            } else {
                self.remove(name: name)
            }
        }
    }

    /// Every value of the field `name`, in order (a repeated field gives several values; a
    /// comma-separated value is returned as one).
    /// - Parameter name: The field name, in any case.
    /// - Returns: The values, or an empty array.
    public func values(for name: String) -> [String] {
        self.storage[name]
    }

    /// The comma-separated tokens of every field `name`, trimmed and lowercased, e.g.
    /// `["keep-alive", "upgrade"]` for `Connection: Keep-Alive, Upgrade`.
    /// - Parameter name: The field name, in any case.
    /// - Returns: The tokens.
    public func tokens(for name: String) -> [Substring] {
        self.storage[canonicalForm: name].map { Substring($0.lowercased()) }
    }

    /// Whether a field `name` is present.
    public func contains(_ name: String) -> Bool {
        self.storage.contains(name: name)
    }

    /// Adds a field, keeping any existing fields of the same name.
    public mutating func add(name: String, value: String) {
        self.storage.add(name: name, value: value)
    }

    /// Removes every field named `name`.
    public mutating func remove(name: String) {
        // NIO's remove rebuilds the list even when no field matches, which copies a list that
        // is shared (a cached response's, say); most removals find nothing.
        guard self.storage.contains(name: name) else { return }
        self.storage.remove(name: name)
    }

    /// The number of fields.
    public var count: Int { self.storage.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { self.storage.isEmpty }

    /// Iterates over `(name, value)` pairs in order.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        self.storage.map { (name: $0.name, value: $0.value) }.makeIterator()
    }

    /// The fields as `name: value` lines.
    public var description: String { self.storage.description }
}
