import AsyncHTTPClient
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
        let (addresses, continuation) = AsyncStream<ServerAddress>.makeStream()
        let previous = application.onServerRunning
        application.onServerRunning = { address in
            await previous?(address)
            continuation.yield(address)
            continuation.finish()
        }
        let services = ServiceGroup(configuration: .init(services: [.init(service: application)], logger: application.logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { continuation.finish() }
                try await services.run()
            }
            guard let address = await addresses.first(where: { _ in true }) else {
                try await tasks.waitForAll()
                throw TestingError.serverDidNotStart
            }
            var configuration = HTTPClient.Configuration()
            configuration.redirectConfiguration = .disallow
            configuration.decompression = .disabled
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let result: Result<Value, any Error>
            do {
                result = .success(try await body(TestClient(backend: .live(client, address))))
            } catch {
                result = .failure(error)
            }
            try? await client.shutdown()
            await services.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
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
