/// A parsed JSON object: its members in document order, found by name.
///
/// Why not a `[String: WxJSON]`: hashing every name twice (once to refuse a repeated name, once
/// to look a field up), with a fresh seed each time, and the dictionary's storage were a quarter
/// of a `WxUserInfo` decryption's profile (`perf record -g` of `ProfileLoop decrypt`). The objects
/// WeChat sends have a dozen members at most, so a member is found by scanning a small array of
/// ``WxJSONName``s, each compared as two words (and a string past 15 bytes). Past
/// ``indexThreshold`` members an object also keeps a dictionary of its names, so that a large
/// object costs linear time, not quadratic.
struct WxJSONObject: Equatable, Sendable {
    private struct Member: Sendable {
        let name: WxJSONName
        let value: WxJSON
    }

    /// How many members an object holds before it also indexes them by name.
    static let indexThreshold = 32

    private var members: [Member] = []
    private var index: [String: Int]?

    /// An empty object with room for `capacity` members.
    init(reservingCapacity capacity: Int) {
        self.members.reserveCapacity(capacity)
    }

    /// The number of members.
    var count: Int { self.members.count }

    /// The value of the member `key`, if there is one.
    subscript(key: String) -> WxJSON? {
        self.position(of: WxJSONName(key)).map { self.members[$0].value }
    }

    /// Adds a member at the end.
    /// - Returns: `false`, and no change, when the object already has a member of that name.
    mutating func append(_ name: WxJSONName, _ value: WxJSON) -> Bool {
        if self.index == nil, self.members.count == Self.indexThreshold {
            self.index = Dictionary(uniqueKeysWithValues: self.members.enumerated().map { ($1.name.string, $0) })
        }
        if self.index != nil {
            let key = name.string
            guard self.index![key] == nil else { return false }
            self.index![key] = self.members.count
        } else {
            guard !self.members.contains(where: { $0.name == name }) else { return false }
        }
        self.members.append(Member(name: name, value: value))
        return true
    }

    private func position(of name: WxJSONName) -> Int? {
        if let index = self.index { return index[name.string] }
        return self.members.firstIndex { $0.name == name }
    }

    /// Equal when both have the same names with equal values, in any order (as dictionaries are).
    static func == (lhs: WxJSONObject, rhs: WxJSONObject) -> Bool {
        lhs.count == rhs.count && lhs.members.allSatisfy { member in rhs.position(of: member.name).map { rhs.members[$0].value } == member.value }
    }
}

extension WxJSONObject {
    /// A required string field.
    func string(_ key: String) throws(WxJSONError) -> String {
        guard case .string(let value)? = self[key] else { throw WxJSONError() }
        return value
    }

    /// An optional string field (absent or null: `nil`; another type: an error).
    func optionalString(_ key: String) throws(WxJSONError) -> String? {
        switch self[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw WxJSONError()
        }
    }

    /// A required integer field (a JSON number without a fractional part, in `Int`'s range).
    func int(_ key: String) throws(WxJSONError) -> Int {
        guard let value = try self.optionalInt(key) else { throw WxJSONError() }
        return value
    }

    /// An optional integer field.
    func optionalInt(_ key: String) throws(WxJSONError) -> Int? {
        switch self[key] {
        case nil, .null?: return nil
        case .number(let number)?:
            guard number.rounded() == number, let value = Int(exactly: number) else { throw WxJSONError() }
            return value
        default: throw WxJSONError()
        }
    }

    /// A required object field.
    func object(_ key: String) throws(WxJSONError) -> WxJSONObject {
        guard case .object(let value)? = self[key] else { throw WxJSONError() }
        return value
    }
}
