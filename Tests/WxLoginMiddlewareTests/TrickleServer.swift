import NIOCore
import NIOPosix

/// A WeChat that answers a byte at a time (a slow trickle), over real sockets: it reads the
/// request, sends a status line and headers promising 64 bytes of JSON, then one byte every
/// `interval`. A client must give up at its own deadline, whatever keeps arriving.
struct TrickleServer: Sendable {
    let port: Int
    private let listener: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>

    /// Serves until `body` returns.
    static func with<Value: Sendable>(interval: Duration, _ body: (TrickleServer) async throws -> Value) async throws -> Value {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let server = TrickleServer(port: listener.channel.localAddress?.port ?? 0, listener: listener)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await listener.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { connectionTasks in
                        for try await connection in connections {
                            connectionTasks.addTask { try? await Self.trickle(connection, interval: interval) }
                        }
                    }
                }
            }
            defer { group.cancelAll() }
            let value = try await body(server)
            try? await listener.channel.close()
            return value
        }
    }

    private static func trickle(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, interval: Duration) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var requests = inbound.makeAsyncIterator()
            _ = try await requests.next()
            try await outbound.write(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 64\r\n\r\n"))
            for byte in #"{"openid":"otrickle","session_key":"AAAAAAAAAAAAAAAAAAAAAA=="}"#.utf8.prefix(64) {
                try await Task.sleep(for: interval)
                try await outbound.write(ByteBuffer(bytes: [byte]))
            }
        }
    }
}
