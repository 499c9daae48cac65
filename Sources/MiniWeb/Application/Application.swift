import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals

/// A MiniWeb application: a built router, the server that serves it, and its configuration.
///
/// ```swift
/// let router = Router()
/// router.get("/hello") { _ in "Hello" }
/// let app = try Application(router: router, configuration: .init(port: 8080))
/// try await app.runService()   // until SIGINT or SIGTERM
/// ```
///
/// An application is an immutable value and a swift-service-lifecycle `Service`: run it alone
/// with ``runService(gracefulShutdownSignals:)`` or in a `ServiceGroup` beside the services it
/// depends on (database pools, HTTP clients), which then shut down in order.
public struct Application: Service, CustomStringConvertible {
    /// The server configuration.
    public var configuration: ServerConfiguration
    /// The logger for the server and for unhandled errors.
    public let logger: Logger
    /// Called once the server is listening, with the bound address (the real port when port 0
    /// was configured).
    public var onServerRunning: (@Sendable (ServerAddress) async -> Void)?

    let responder: ApplicationResponder

    /// Builds an application from a router.
    /// - Parameters:
    ///   - router: The routes and middleware; the router is read once, here.
    ///   - configuration: Where to listen and the limits to enforce.
    ///   - errorRenderer: How errors become responses; the documented JSON shape by default.
    ///   - logger: The logger.
    ///   - onServerRunning: Called once the server is listening.
    /// - Throws: ``RouterBuildError`` when routes conflict or a path is malformed.
    public init(
        router: Router,
        configuration: ServerConfiguration = ServerConfiguration(),
        errorRenderer: ErrorRenderer = .json,
        logger: Logger = Logger(label: "miniweb"),
        onServerRunning: (@Sendable (ServerAddress) async -> Void)? = nil
    ) throws(RouterBuildError) {
        self.configuration = configuration
        self.logger = logger
        self.onServerRunning = onServerRunning
        self.responder = try ApplicationResponder(router: router, renderer: errorRenderer, logger: logger)
    }

    /// `MiniWeb Application (127.0.0.1:8080)`: what swift-service-lifecycle logs for it.
    public var description: String {
        "MiniWeb Application (\(self.configuration.host):\(self.configuration.port))"
    }

    /// Answers one request in-process, exactly as the server would (middleware, routing, error
    /// rendering, `Content-Length`, no body for `HEAD`), without a socket.
    /// - Parameter request: The request.
    /// - Returns: The response.
    public func respond(to request: Request) async -> Response {
        await self.responder.respond(to: request)
    }

    /// Serves until the task is cancelled or a graceful shutdown is triggered (the `Service`
    /// requirement). On graceful shutdown the server stops accepting, lets in-flight requests
    /// finish within ``ServerConfiguration/shutdownTimeout``, and closes idle connections.
    /// - Throws: When the address cannot be bound.
    public func run() async throws {
        let server = HTTPServer(
            configuration: self.configuration,
            responder: self.responder,
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: self.logger
        )
        try await server.run(onServerRunning: self.onServerRunning)
    }

    /// Serves in a `ServiceGroup` of its own that shuts down gracefully on `SIGTERM` or `SIGINT`.
    /// - Parameter gracefulShutdownSignals: The signals that start a graceful shutdown.
    /// - Throws: When the address cannot be bound.
    public func runService(gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: self)],
                gracefulShutdownSignals: gracefulShutdownSignals,
                logger: self.logger
            )
        )
        try await group.run()
    }
}
