/// Where a server listens and the limits it enforces on every connection.
public struct ServerConfiguration: Sendable {
    /// The address to bind, e.g. `127.0.0.1` (the default) or `0.0.0.0`.
    public var host: String
    /// The port to bind; `0` picks a free port, reported through
    /// ``Application/init(router:configuration:errorRenderer:logger:onServerRunning:)``'s
    /// `onServerRunning`.
    public var port: Int
    /// The largest request body accepted, in bytes (1 MiB by default). A larger declared
    /// `Content-Length` is answered 413 before the body is read; a chunked body that grows past
    /// it likewise. The connection is closed after the 413.
    public var maxBodySize: Int
    /// The largest total size of a request's header fields (names and values), in bytes
    /// (32 KiB by default); above it the answer is 431 and the connection is closed.
    public var maxHeaderSize: Int
    /// The largest number of header fields in a request (100 by default); above it, 431.
    public var maxHeaderCount: Int
    /// How long a keep-alive connection may wait for its next request before it is closed
    /// (60 s by default).
    public var idleTimeout: Duration
    /// How long a client may take to send one request, from its first byte to the end of its
    /// body (30 s by default). A client that trickles a request in (slowloris) gets 408 and the
    /// connection is closed.
    public var requestReadTimeout: Duration
    /// How long a graceful shutdown waits for in-flight requests before it closes the remaining
    /// connections (10 s by default).
    public var shutdownTimeout: Duration
    /// The listen backlog.
    public var backlog: Int
    /// Whether request handlers (and middleware) run on the event loop that does their
    /// connection's I/O (true, the default) or on Swift's global concurrent executor.
    ///
    /// On the event loop, a request costs no thread hop between reading it, answering it and
    /// writing the answer, and a handler that awaits a database or an HTTP client resumes
    /// there too: the login flow measured about 25% less CPU per login this way. The price is
    /// the same as for any SwiftNIO handler: a handler must not block its thread (synchronous
    /// file or database I/O, long computations), or every connection on that loop waits. Set it
    /// to false for handlers that do.
    public var handlersRunOnEventLoop: Bool

    /// Creates a configuration; every parameter has the default documented on its property.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        maxBodySize: Int = 1 << 20,
        maxHeaderSize: Int = 32 * 1024,
        maxHeaderCount: Int = 100,
        idleTimeout: Duration = .seconds(60),
        requestReadTimeout: Duration = .seconds(30),
        shutdownTimeout: Duration = .seconds(10),
        backlog: Int = 256,
        handlersRunOnEventLoop: Bool = true
    ) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.maxHeaderSize = maxHeaderSize
        self.maxHeaderCount = maxHeaderCount
        self.idleTimeout = idleTimeout
        self.requestReadTimeout = requestReadTimeout
        self.shutdownTimeout = shutdownTimeout
        self.backlog = backlog
        self.handlersRunOnEventLoop = handlersRunOnEventLoop
    }
}

/// The address a running server listens on.
public struct ServerAddress: Sendable, Hashable, CustomStringConvertible {
    /// The bound host.
    public let host: String
    /// The bound port (the real one when port 0 was configured).
    public let port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `http://127.0.0.1:8080`.
    public var description: String {
        self.host.contains(":") ? "http://[\(self.host)]:\(self.port)" : "http://\(self.host):\(self.port)"
    }
}
