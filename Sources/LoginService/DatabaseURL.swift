import Foundation
import PostgresNIO

/// Where SampleApp keeps its data: `sqlite://path`, `sqlite::memory:`, or
/// `postgres://user:password@host:port/database` (also `postgresql://`; add `?sslmode=disable`
/// for a server without TLS, `?sslmode=require` to insist on it).
public enum DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite file (or `:memory:`).
    case sqlite(path: String)
    /// A PostgreSQL server.
    case postgres(host: String, port: Int, user: String, password: String?, database: String?, tls: TLSMode)

    /// How to use TLS with PostgreSQL.
    public enum TLSMode: String, Sendable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it (the default).
        case prefer
        /// TLS or nothing.
        case require
    }

    /// Parses a database URL.
    /// - Throws: ``DatabaseURLError`` with a message that says what is wrong (and never the password).
    public init(parsing text: String) throws {
        if text.hasPrefix("sqlite://") || text.hasPrefix("sqlite:") {
            let path = text.hasPrefix("sqlite://") ? String(text.dropFirst("sqlite://".count)) : String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw DatabaseURLError("an sqlite URL needs a path, e.g. sqlite://sampleapp.sqlite") }
            self = .sqlite(path: path)
            return
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme)
        else {
            throw DatabaseURLError("the database URL must start with sqlite:// or postgres://")
        }
        guard let host = components.host, !host.isEmpty else { throw DatabaseURLError("the postgres URL has no host") }
        guard let user = components.user, !user.isEmpty else { throw DatabaseURLError("the postgres URL has no user") }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard let tls = TLSMode(rawValue: mode == "verify-full" ? "require" : mode) else {
            throw DatabaseURLError("sslmode must be disable, prefer or require")
        }
        self = .postgres(
            host: host,
            port: components.port ?? 5432,
            user: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database.isEmpty ? nil : database,
            tls: tls
        )
    }

    /// The URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite://\(path)"
        case .postgres(let host, let port, let user, _, let database, _): "postgres://\(user)@\(host):\(port)/\(database ?? "")"
        }
    }

    /// The postgres-nio configuration.
    var postgresConfiguration: PostgresClient.Configuration? {
        guard case .postgres(let host, let port, let user, let password, let database, let tls) = self else { return nil }
        let tlsSetting: PostgresClient.Configuration.TLS =
            switch tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tlsSetting)
        configuration.options.connectTimeout = .seconds(3)
        return configuration
    }
}

/// A database URL that cannot be used.
public struct DatabaseURLError: Error, CustomStringConvertible {
    /// What is wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}
