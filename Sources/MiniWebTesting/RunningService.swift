import Logging
import ServiceLifecycle

/// Runs a service for the length of a test: starts it in a `ServiceGroup` of its own, waits until
/// it reports that it is ready, runs `body`, then shuts it down gracefully and waits for it.
///
/// ```swift
/// try await withRunningService { ready in
///     try Application(router: router, configuration: .init(port: 0), onServerRunning: { ready($0) })
/// } _: { address in
///     ... // talk to the server at `address`
/// }
/// ```
/// - Parameters:
///   - logger: The group's logger.
///   - makeService: Makes the service, given the callback it must call once with what the test
///     needs (typically its address).
///   - body: The test.
/// - Returns: What `body` returns.
/// - Throws: What `body` throws, the service's startup error, or ``TestingError/serverDidNotStart``.
public func withRunningService<Ready: Sendable, Value: Sendable>(
    logger: Logger = Logger(label: "test-service"),
    _ makeService: (_ ready: @escaping @Sendable (Ready) -> Void) throws -> any Service,
    _ body: (Ready) async throws -> Value
) async throws -> Value {
    let (readiness, continuation) = AsyncStream<Ready>.makeStream()
    let service = try makeService { ready in
        continuation.yield(ready)
        continuation.finish()
    }
    let group = ServiceGroup(configuration: .init(services: [.init(service: service)], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
            defer { continuation.finish() }
            try await group.run()
        }
        guard let ready = await readiness.first(where: { _ in true }) else {
            try await tasks.waitForAll()
            throw TestingError.serverDidNotStart
        }
        let result: Result<Value, any Error>
        do {
            result = .success(try await body(ready))
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}
