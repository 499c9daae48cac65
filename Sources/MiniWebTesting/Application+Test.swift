import Logging
import MiniWeb
import ServiceLifecycle

extension Application {
    /// Runs `body` with a client connected to this application.
    ///
    /// ```swift
    /// try await app.test(.live) { client in
    ///     let response = try await client.get("/healthz")
    ///     #expect(response.status == .ok)
    /// }
    /// ```
    ///
    /// In ``TestingMode/live`` mode the application is served on `127.0.0.1` on an ephemeral port
    /// (the configured host and port are ignored, the other settings kept) and shut down
    /// gracefully when `body` returns or throws.
    /// - Parameters:
    ///   - mode: In-process (`.router`) or over a socket (`.live`).
    ///   - body: The test.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws, or the server's error when it cannot start.
    public func test<Value: Sendable>(_ mode: TestingMode, _ body: (TestClient) async throws -> Value) async throws -> Value {
        switch mode {
        case .router:
            return try await body(TestClient(backend: .router(self)))
        case .live:
            return try await self.testLive(body)
        }
    }

    private func testLive<Value: Sendable>(_ body: (TestClient) async throws -> Value) async throws -> Value {
        var application = self
        application.configuration.host = "127.0.0.1"
        application.configuration.port = 0
        let previous = application.onServerRunning
        return try await withRunningService(logger: application.logger) { ready in
            application.onServerRunning = { address in
                await previous?(address)
                ready(address)
            }
            return application
        } _: { address in
            try await TestClient.withClient(connectingTo: address, body)
        }
    }
}

/// Failures of the testing support itself.
public enum TestingError: Error, Sendable {
    /// The live server stopped before it reported its address.
    case serverDidNotStart
    /// A raw connection's deadline passed before the expected bytes arrived.
    case timedOut
    /// A raw connection closed before the expected bytes arrived.
    case connectionClosed(received: String)
}
