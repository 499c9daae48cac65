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
    /// A stored value: a class instance as a plain reference, anything else in an existential.
    @usableFromInline
    enum Stored: Sendable {
        case object(any AnyObject & Sendable)
        case value(any Sendable)

        /// The value, cast to `Value`.
        @inlinable
        func cast<Value>(to _: Value.Type) -> Value? {
            switch self {
            case .object(let object): object as? Value
            case .value(let value): value as? Value
            }
        }
    }

    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline let key: ObjectIdentifier
        @usableFromInline var value: Stored

        @inlinable
        init(key: ObjectIdentifier, value: Stored) {
            self.key = key
            self.value = value
        }
    }

    // A short list searched linearly rather than a dictionary: a request carries a handful of
    // values at most, and a dictionary's hashing and storage cost more than comparing a few
    // `ObjectIdentifier`s (it showed in profiles of every authenticated request). The first
    // value is held inline: most requests carry one (the authenticated user) or none, and the
    // array would be an allocation per request. The accessors are inlinable, so that they are
    // specialised for the key in the module that uses it: unspecialised, each access looked up
    // the key's value type and its optional's and tuples' metadata at run time. A class
    // instance (the usual value: a user, a session) is read back without a dynamic cast (see
    // the subscript for class values).
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
        get { self.stored(for: ObjectIdentifier(key))?.cast(to: Key.Value.self) }
        set { self.store(newValue.map { .value($0) }, for: ObjectIdentifier(key)) }
    }

    /// The value stored under `key`, or `nil`. Setting `nil` removes it. For a class, the value is
    /// kept as a plain reference and read back without a dynamic cast: only this key's setters
    /// store under its identifier, and both store a `Key.Value`.
    @inlinable
    public subscript<Key: RequestStorageKey>(key: Key.Type) -> Key.Value? where Key.Value: AnyObject {
        get {
            switch self.stored(for: ObjectIdentifier(key)) {
            case .object(let object)?: unsafeDowncast(object, to: Key.Value.self)
            case .value(let value)?: value as? Key.Value
            case nil: nil
            }
        }
        set { self.store(newValue.map { .object($0) }, for: ObjectIdentifier(key)) }
    }

    /// Whether a value is stored under `key`.
    @inlinable
    public func contains<Key: RequestStorageKey>(_ key: Key.Type) -> Bool {
        self.stored(for: ObjectIdentifier(key)) != nil
    }

    @inlinable
    func stored(for id: ObjectIdentifier) -> Stored? {
        if let first = self.first, first.key == id {
            return first.value
        }
        for entry in self.others where entry.key == id {
            return entry.value
        }
        return nil
    }

    @inlinable
    mutating func store(_ value: Stored?, for id: ObjectIdentifier) {
        if self.first?.key == id {
            self.first = value.map { Entry(key: id, value: $0) }
            return
        }
        let index = self.others.firstIndex { $0.key == id }
        switch (index, value) {
        case (let index?, let value?): self.others[index].value = value
        case (let index?, nil): self.others.remove(at: index)
        case (nil, let value?):
            if self.first == nil {
                self.first = Entry(key: id, value: value)
            } else {
                self.others.append(Entry(key: id, value: value))
            }
        case (nil, nil): break
        }
    }
}
