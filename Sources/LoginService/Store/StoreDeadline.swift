/// Runs one database operation with a deadline.
///
/// PostgresNIO's pool has no request timeout: while the server is down, a query waits for a
/// connection as long as the pool keeps retrying, and the request that needs it hangs. With a
/// deadline it fails as a ``StoreError`` (503 `database_unavailable`) instead, and the pool goes
/// on reconnecting in the background, so service returns by itself when the server does.
/// - Parameters:
///   - timeout: How long the operation may take.
///   - operation: Its name, for the error and the logs.
///   - body: The operation.
/// - Returns: What `body` returns.
/// - Throws: ``StoreError`` when `body` fails or the deadline passes (the operation is cancelled).
func withStoreDeadline<Value: Sendable>(
    _ timeout: Duration,
    operation: String,
    _ body: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    do {
        return try await withThrowingTaskGroup(of: Value.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw StoreDeadlineExceeded(timeout: timeout)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    } catch let error as StoreError {
        throw error
    } catch {
        throw StoreError(operation, error)
    }
}

/// The database did not answer in time.
struct StoreDeadlineExceeded: Error, CustomStringConvertible {
    let timeout: Duration
    var description: String { "the database did not answer within \(self.timeout)" }
}
