import MiniWeb
import NIOCore
import NIOPosix

/// A plain TCP connection to a live server, for tests of the HTTP layer itself: pipelining,
/// malformed requests, slow clients, connection reuse and closing.
///
/// Every connection has a deadline (10 s by default) after which it is closed, so a test that
/// waits for bytes that never come fails instead of hanging.
public final class RawConnection {
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var received = ByteBuffer()
    private var isClosed = false

    private init(
        channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>,
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.channel = channel
        self.iterator = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    /// Connects to `address`, runs `body`, and closes the connection.
    /// - Parameters:
    ///   - address: The server's address.
    ///   - deadline: How long the connection may live.
    ///   - body: The test.
    /// - Returns: What `body` returns.
    public static func withConnection<Value>(
        to address: ServerAddress,
        deadline: Duration = .seconds(10),
        _ body: (RawConnection) async throws -> Value
    ) async throws -> Value {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(host: address.host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let watchdog = channel.channel.eventLoop.scheduleTask(in: TimeAmount(deadline)) {
            channel.channel.close(promise: nil)
        }
        defer { watchdog.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(RawConnection(channel: channel, inbound: inbound, outbound: outbound))
        }
    }

    /// Sends bytes.
    public func send(_ bytes: [UInt8]) async throws {
        try await self.outbound.write(ByteBuffer(bytes: bytes))
    }

    /// Sends text as UTF-8 (write `\r\n` line ends yourself).
    public func send(_ text: String) async throws {
        try await self.outbound.write(ByteBuffer(string: text))
    }

    /// Shuts down the sending side (a half-close); the server may still answer.
    public func closeOutput() async throws {
        try await self.channel.channel.close(mode: .output)
    }

    /// Reads one complete HTTP/1.1 response (with a `Content-Length` body, or none).
    /// - Returns: The response.
    /// - Throws: ``TestingError/connectionClosed(received:)`` when the connection closes first.
    public func readResponse() async throws -> TestResponse {
        while true {
            if let response = try RawResponseParser.parse(&self.received) {
                return response
            }
            guard try await self.readMore() else {
                throw TestingError.connectionClosed(received: String(buffer: self.received))
            }
        }
    }

    /// Reads until the server closes the connection.
    /// - Returns: Every byte received and not yet consumed by ``readResponse()``, as text.
    public func readUntilClosed() async throws -> String {
        while try await self.readMore() {}
        return String(buffer: self.received)
    }

    /// Waits for the server to close the connection.
    /// - Returns: `true` when it closed; `false` when bytes arrived instead (they stay buffered).
    public func waitForClose() async throws -> Bool {
        let before = self.received.readableBytes
        while try await self.readMore() {
            if self.received.readableBytes > before { return false }
        }
        return true
    }

    /// Reads the next chunk of bytes into the buffer.
    /// - Returns: `false` when the connection has closed.
    private func readMore() async throws -> Bool {
        guard !self.isClosed else { return false }
        do {
            guard var chunk = try await self.iterator.next(isolation: #isolation) else {
                self.isClosed = true
                return false
            }
            self.received.writeBuffer(&chunk)
            return true
        } catch {
            self.isClosed = true
            return false
        }
    }
}

/// Parses HTTP/1.1 responses from raw bytes for ``RawConnection``.
enum RawResponseParser {
    /// Removes and returns one complete response from the front of `buffer`, or returns `nil` if
    /// it is not all there yet.
    static func parse(_ buffer: inout ByteBuffer) throws -> TestResponse? {
        let view = buffer.readableBytesView
        guard let headEnd = view.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let headLength = headEnd.upperBound - view.startIndex
        let headText = String(decoding: view[view.startIndex..<headEnd.lowerBound], as: UTF8.self)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, let code = Int(statusLine[1]) else {
            throw TestingError.connectionClosed(received: headText)
        }
        var headers = Headers()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(
                name: String(line[..<colon]),
                value: String(line[line.index(after: colon)...].drop { $0 == " " })
            )
        }
        let bodyLength = (100..<200).contains(code) || code == 204 || code == 304 ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        guard view.count >= headLength + bodyLength else { return nil }
        buffer.moveReaderIndex(forwardBy: headLength)
        let body = buffer.readSlice(length: bodyLength) ?? ByteBuffer()
        let reason = statusLine.count > 2 ? String(statusLine[2]) : nil
        return TestResponse(status: HTTPStatus(code: code, reasonPhrase: reason), headers: headers, body: body)
    }
}
