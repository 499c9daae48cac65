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
    // A short list searched linearly rather than a dictionary: a request carries a handful of
    // values at most, and a dictionary's hashing and storage cost more than comparing a few
    // `ObjectIdentifier`s (it showed in profiles of every authenticated request).
    private var entries: [(key: ObjectIdentifier, value: any Sendable)]

    /// Creates empty storage.
    public init() {
        self.entries = []
    }

    /// The value stored under `key`, or `nil`. Setting `nil` removes it.
    public subscript<Key: RequestStorageKey>(key: Key.Type) -> Key.Value? {
        get {
            let id = ObjectIdentifier(key)
            for entry in self.entries where entry.key == id {
                return entry.value as? Key.Value
            }
            return nil
        }
        set {
            let id = ObjectIdentifier(key)
            let index = self.entries.firstIndex { $0.key == id }
            switch (index, newValue) {
            case (let index?, let value?): self.entries[index].value = value
            case (let index?, nil): self.entries.remove(at: index)
            case (nil, let value?): self.entries.append((key: id, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Whether a value is stored under `key`.
    public func contains<Key: RequestStorageKey>(_ key: Key.Type) -> Bool {
        let id = ObjectIdentifier(key)
        return self.entries.contains { $0.key == id }
    }
}
