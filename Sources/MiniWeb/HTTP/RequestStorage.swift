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
    private var values: [ObjectIdentifier: any Sendable]

    /// Creates empty storage.
    public init() {
        self.values = [:]
    }

    /// The value stored under `key`, or `nil`. Setting `nil` removes it.
    public subscript<Key: RequestStorageKey>(key: Key.Type) -> Key.Value? {
        get { self.values[ObjectIdentifier(key)] as? Key.Value }
        set { self.values[ObjectIdentifier(key)] = newValue }
    }

    /// Whether a value is stored under `key`.
    public func contains<Key: RequestStorageKey>(_ key: Key.Type) -> Bool {
        self.values[ObjectIdentifier(key)] != nil
    }
}
