/// How ``MiniWeb/Application/test(_:_:)`` runs an application.
public enum TestingMode: Sendable {
    /// In-process: requests go straight through the application's middleware and router,
    /// without sockets. Fast, for testing handlers and middleware.
    case router
    /// On a real server bound to an ephemeral port on 127.0.0.1, with a real HTTP client.
    /// For everything the server layer does (limits, keep-alive, timeouts, compression on the wire).
    case live
}
