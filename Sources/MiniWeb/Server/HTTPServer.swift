import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The SwiftNIO server under an ``Application``: binds, accepts, runs one task per connection,
/// and shuts down gracefully.
///
/// Graceful shutdown (swift-service-lifecycle): the listening socket closes at once, every
/// connection is told to quiesce (an idle one closes now, a busy one after its in-flight
/// responses), and connections still open after the shutdown timeout are closed by force.
struct HTTPServer: Sendable {
    let configuration: ServerConfiguration
    let responder: ApplicationResponder
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    func run(onServerRunning: (@Sendable (ServerAddress) async -> Void)?) async throws {
        let quiescing = ServerQuiescingHelper(group: self.eventLoopGroup)
        let serverChannel = try await self.bind(quiescing: quiescing)
        let address = ServerAddress(
            host: self.configuration.host,
            port: serverChannel.channel.localAddress?.port ?? self.configuration.port
        )
        self.logger.info("Server listening", metadata: ["address": .string(address.description)])

        let dates = HTTPDateCache()
        let executors = self.configuration.handlersRunOnEventLoop ? EventLoopTaskExecutors(group: self.eventLoopGroup) : nil
        await withDiscardingTaskGroup { connections in
            await withGracefulShutdownHandler {
                await onServerRunning?(address)
                do {
                    try await serverChannel.executeThenClose { inbound in
                        for try await connection in inbound {
                            connections.addTask(executorPreference: executors?.executor(for: connection.channel.eventLoop)) {
                                await HTTPConnection(channel: connection, responder: self.responder, dates: dates, logger: self.logger).run()
                            }
                        }
                    }
                } catch {
                    self.logger.error("The server stopped accepting connections", metadata: ["error": "\(error)"])
                }
            } onGracefulShutdown: {
                self.logger.info("Graceful shutdown: no longer accepting connections")
                quiescing.initiateShutdown(promise: nil)
            }
            // Accepting has stopped (shutdown or failure): drain the open connections, then close
            // whatever is left when the deadline passes.
            let drained = serverChannel.channel.eventLoop.makePromise(of: Void.self)
            quiescing.initiateShutdown(promise: drained)
            let finished = await Self.waitForDrain(drained.futureResult, timeout: self.configuration.shutdownTimeout)
            if !finished {
                self.logger.warning("Shutdown timeout passed; closing the remaining connections")
                connections.cancelAll()
            }
        }
        self.logger.info("Server stopped")
    }

    /// Binds the listening socket and sets up each accepted connection's pipeline.
    private func bind(quiescing: ServerQuiescingHelper) async throws -> NIOAsyncChannel<NIOAsyncChannel<ServerRequestEvent, HTTPServerResponsePart>, Never> {
        let configuration = self.configuration
        return try await ServerBootstrap(group: self.eventLoopGroup)
            .serverChannelOption(.backlog, value: Int32(clamping: configuration.backlog))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Accept a burst of new connections in one go: the loop that accepts also answers
            // requests, and at NIO's default of 4 accepts per wake-up, 256 clients connecting at
            // once waited through 64 rounds of other connections' requests (p99 16-62 ms, against
            // 11-14 ms with 64: Benchmarks/load/ab-hello.sh 4 3 256 /plaintext).
            .serverChannelOption(.maxMessagesPerRead, value: 64)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.configureConnection(channel.pipeline.syncOperations, configuration: configuration)
                    return try NIOAsyncChannel<ServerRequestEvent, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: true)
                    )
                }
            }
    }

    /// Sets up an accepted connection's pipeline: NIO's HTTP/1.1 parser and encoder with the
    /// configured limits, the timeouts, and the handler that turns parts into whole requests or
    /// refusals. (Internal, and also used by the fuzz target, which feeds bytes to this pipeline.)
    static func configureConnection(_ pipeline: ChannelPipeline.SynchronousOperations, configuration: ServerConfiguration) throws {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = configuration.maxHeaderSize
        limits.maxHeaderListSize = configuration.maxHeaderSize
        limits.maxHeaderFieldCount = configuration.maxHeaderCount
        // Responses are framed by `Response.finish(for:)` (see there why not by the encoder).
        var encoder = HTTPResponseEncoder.Configuration()
        encoder.automaticallySetFramingHeaders = false
        try pipeline.configureHTTPServerPipeline(
            withPipeliningAssistance: false,  // the connection task answers in order
            withErrorHandling: false,  // HTTPConnectionHandler answers parse errors
            withOutboundHeaderValidation: true,
            withEncoderConfiguration: encoder,
            withDecoderLimitConfiguration: limits
        )
        let timeouts = ConnectionTimeoutHandler(idleTimeout: configuration.idleTimeout, readTimeout: configuration.requestReadTimeout)
        try pipeline.addHandler(timeouts, position: .first)
        try pipeline.addHandler(HTTPConnectionHandler(maxBodySize: configuration.maxBodySize, timeouts: timeouts))
    }

    /// Waits until `drained` completes or `timeout` passes.
    /// - Returns: Whether every connection closed in time.
    private static func waitForDrain(_ drained: EventLoopFuture<Void>, timeout: Duration) async -> Bool {
        let loop = drained.eventLoop
        let outcome = loop.makePromise(of: Bool.self)
        // Both callbacks run on `loop`; whichever comes second completes an already completed
        // promise, which NIO ignores.
        let timer = loop.scheduleTask(in: TimeAmount(timeout)) { outcome.succeed(false) }
        drained.whenComplete { _ in
            timer.cancel()
            outcome.succeed(true)
        }
        return (try? await outcome.futureResult.get()) ?? true
    }
}
