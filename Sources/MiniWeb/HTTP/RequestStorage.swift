/// A key for a value in ``RequestStorage``: a type whose `Value` is what it stores.
///
/// Modules add typed properties to ``Request`` through a key of their own:
///
/// ```swift
/// enum CurrentUserKey: RequestStorageKey { typealias Value = User }
/// extension Request {
///     var currentUser: User? { storage[CurrentUserKey.self] }
/// }
/// ```
public protocol RequestStorageKey {
    /// The type of the stored value.
    associatedtype Value: Sendable
}

/// Typed values attached to one request by middleware, keyed by ``RequestStorageKey`` types.
///
/// Storage is part of the request value: a middleware changes its copy and passes it down, so
/// what a handler sees is exactly what the middleware above it set.
public struct RequestStorage: Sendable {
    @usableFromInline
    typealias Entry = (key: ObjectIdentifier, value: any Sendable)

    // A short list searched linearly rather than a dictionary: a request carries a handful of
    // values at most, and a dictionary's hashing and storage cost more than comparing a few
    // `ObjectIdentifier`s (it showed in profiles of every authenticated request). The first
    // value is held inline: most requests carry one (the authenticated user) or none, and the
    // array would be an allocation per request. The accessors are inlinable, so that they are
    // specialised for the key in the module that uses it: unspecialised, each access looked up
    // the key's value type and its optional's and tuples' metadata at run time.
    @usableFromInline
    var first: Entry?
    @usableFromInline
    var others: [Entry]

    /// Creates empty storage.
    public init() {
        self.first = nil
        self.others = []
    }

    /// The value stored under `key`, or `nil`. Setting `nil` removes it.
    @inlinable
    public subscript<Key: RequestStorageKey>(key: Key.Type) -> Key.Value? {
        get {
            let id = ObjectIdentifier(key)
            if let first = self.first, first.key == id {
                return first.value as? Key.Value
            }
            for entry in self.others where entry.key == id {
                return entry.value as? Key.Value
            }
            return nil
        }
        set {
            let id = ObjectIdentifier(key)
            if self.first?.key == id {
                self.first = newValue.map { (key: id, value: $0) }
                return
            }
            let index = self.others.firstIndex { $0.key == id }
            switch (index, newValue) {
            case (let index?, let value?): self.others[index].value = value
            case (let index?, nil): self.others.remove(at: index)
            case (nil, let value?):
                if self.first == nil {
                    self.first = (key: id, value: value)
                } else {
                    self.others.append((key: id, value: value))
                }
            case (nil, nil): break
            }
        }
    }

    /// Whether a value is stored under `key`.
    @inlinable
    public func contains<Key: RequestStorageKey>(_ key: Key.Type) -> Bool {
        let id = ObjectIdentifier(key)
        return self.first?.key == id || self.others.contains { $0.key == id }
    }
}
