import NIOCore
import NIOHTTP1

/// Turns the decoder's request parts into whole requests for the connection's task, and enforces
/// the HTTP rules the task should not have to think about.
///
/// - Bodies are collected up to the limit: a larger declared `Content-Length` is refused (413)
///   as soon as the head arrives, before any body byte is read; a chunked body is refused the
///   moment it grows past the limit. Nothing more is read from that connection.
/// - Decoder errors become 400 (431 for oversized headers, 501 for unknown methods).
/// - `Expect: 100-continue` is answered with `100 Continue` when the request is next in line (a
///   pipelined request waits until the responses before it are written).
/// - After a refusal, a `Connection: close` response or a quiesce (graceful shutdown), the
///   connection is closed once the response has been flushed, never before.
/// - It reports the connection's ``ConnectionPhase`` to the ``ConnectionTimeoutHandler``.
///
/// Responses come back in request order because the connection's task answers one request at a
/// time; this handler counts them to know when the connection is idle.
final class HTTPConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = ServerRequestEvent
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum ReadState {
        /// Between requests.
        case idle
        /// A head has arrived; the body is being collected.
        case receiving(HTTPRequestHead, ByteBuffer?)
        /// A refusal was sent up: everything else read on this connection is ignored.
        case refused
    }

    private let maxBodySize: Int
    /// Told of every phase change (same event loop; called directly, not through the pipeline).
    private let timeouts: ConnectionTimeoutHandler
    private var readState = ReadState.idle
    /// Requests (and refusals) passed up whose response has not been completely written.
    private var responsesOwed = 0
    /// Close once every owed response is written (graceful shutdown, or a refusal).
    private var closeWhenDone = false
    /// The response being written says `Connection: close`.
    private var currentResponseCloses = false
    /// The newest request asked for `100 Continue` while responses were still owed before it.
    private var continuePending = false
    private var phase = ConnectionPhase.awaitingRequest

    init(maxBodySize: Int, timeouts: ConnectionTimeoutHandler) {
        self.maxBodySize = maxBodySize
        self.timeouts = timeouts
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (self.unwrapInboundIn(data), self.readState) {
        case (_, .refused):
            return
        case (.head(let head), .idle):
            self.responsesOwed += 1
            self.receiveHead(head, context: context)
        case (.body(var part), .receiving(let head, let body)):
            guard var body else {
                self.readState = .receiving(head, part)
                if part.readableBytes > self.maxBodySize { self.refuseTooLarge(context: context) }
                return
            }
            guard body.readableBytes + part.readableBytes <= self.maxBodySize else {
                self.refuseTooLarge(context: context)
                return
            }
            self.readState = .idle  // drop the reference held by the state, so the write does not copy
            body.writeBuffer(&part)
            self.readState = .receiving(head, body)
        case (.end, .receiving(let head, let body)):
            self.readState = .idle
            context.fireChannelRead(self.wrapInboundOut(.request(head, body ?? ByteBuffer())))
            self.updatePhase(context: context)
        case (.head, .receiving), (.body, .idle), (.end, .idle):
            // The decoder never produces these; treat them as a malformed request.
            self.refuse(HTTPError(.badRequest, code: "bad_request", message: "The request is malformed."), context: context)
        }
    }

    private func receiveHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        self.readState = .receiving(head, nil)
        if let declared = head.headers.first(name: "content-length").flatMap(Int.init), declared > self.maxBodySize {
            self.refuseTooLarge(context: context)
            return
        }
        if let expectation = head.headers.first(name: "expect") {
            guard expectation.lowercased() == "100-continue" else {
                self.refuse(
                    HTTPError(.expectationFailed, code: "expectation_failed", message: "Only 'Expect: 100-continue' is supported."),
                    context: context
                )
                return
            }
            if self.responsesOwed == 1 {
                self.writeContinue(version: head.version, context: context)
            } else {
                self.continuePending = true
            }
        }
        self.updatePhase(context: context)
    }

    private func refuseTooLarge(context: ChannelHandlerContext) {
        self.refuse(
            HTTPError(.contentTooLarge, code: "body_too_large", message: "The request body is larger than the limit of \(self.maxBodySize) bytes."),
            context: context
        )
    }

    /// Passes a refusal up to be answered; nothing more is read and the connection closes after
    /// the answer.
    private func refuse(_ error: HTTPError, context: ChannelHandlerContext) {
        if case .idle = self.readState {
            self.responsesOwed += 1  // the refusal is owed an answer of its own
        }
        self.readState = .refused
        self.closeWhenDone = true
        self.continuePending = false
        context.fireChannelRead(self.wrapInboundOut(.reject(error)))
        self.updatePhase(context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        if case .refused = self.readState { return }
        switch parserError {
        case .invalidEOFState:
            // The client went away in the middle of a request: nobody to answer.
            context.close(promise: nil)
        case .headerOverflow:
            self.refuse(
                HTTPError(.requestHeaderFieldsTooLarge, code: "headers_too_large", message: "The request's header fields are too large or too many."),
                context: context
            )
        case .invalidMethod:
            self.refuse(HTTPError(.notImplemented, code: "method_not_implemented", message: "The request method is not supported."), context: context)
        default:
            self.refuse(HTTPError(.badRequest, code: "malformed_request", message: "The request is not valid HTTP/1.1."), context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            if self.responsesOwed == 0 {
                context.close(promise: nil)
            } else {
                self.closeWhenDone = true
            }
        case ChannelEvent.inputClosed:
            // The client half-closed: answer what it sent, then close. The event is not passed on,
            // so the connection's task keeps its inbound stream until the channel really closes
            // (ending it early would close the channel under responses still being flushed).
            if self.responsesOwed == 0 {
                context.close(promise: nil)
            } else {
                self.closeWhenDone = true
            }
        case is RequestReadTimeoutEvent:
            self.refuse(HTTPError(.requestTimeout, code: "request_timeout", message: "The request took too long to arrive."), context: context)
            // Not inside a read: deliver the refusal now (the async channel hands reads over on
            // read-complete).
            context.fireChannelReadComplete()
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .head(var head):
            // Most responses have no Connection header: skip splitting its values then.
            let hasConnection = head.headers.contains(name: "connection")
            if self.closeWhenDone && self.responsesOwed == 1 && !hasConnection {
                head.headers.add(name: "connection", value: "close")
                self.currentResponseCloses = true
            } else {
                self.currentResponseCloses =
                    hasConnection && head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "close" }
            }
            context.write(self.wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            self.responsesOwed -= 1
            if self.currentResponseCloses || (self.closeWhenDone && self.responsesOwed == 0) {
                self.writeThenClose(data, promise: promise, context: context)
                return
            }
            context.write(data, promise: promise)
            if self.continuePending && self.responsesOwed == 1 {
                self.continuePending = false
                if case .receiving(let head, _) = self.readState {
                    self.writeContinue(version: head.version, context: context)
                }
            }
            self.updatePhase(context: context)
        }
    }

    private func writeThenClose(_ data: NIOAny, promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        self.readState = .refused
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenComplete { result in
            context.close(promise: nil)
            promise?.completeWith(result)
        }
        context.writeAndFlush(data, promise: written)
    }

    private func writeContinue(version: NIOHTTP1.HTTPVersion, context: ChannelHandlerContext) {
        let head = HTTPResponseHead(version: version, status: .continue)
        context.writeAndFlush(self.wrapOutboundOut(.head(head)), promise: nil)
    }

    /// Tells the timeout handler what the connection is doing now.
    private func updatePhase(context: ChannelHandlerContext) {
        let phase: ConnectionPhase
        switch self.readState {
        case .refused:
            phase = .processing
        case .receiving:
            // A partial request is timed only once it is next in line.
            phase = self.responsesOwed == 1 ? .readingRequest : .processing
        case .idle:
            phase = self.responsesOwed == 0 ? .awaitingRequest : .processing
        }
        if phase != self.phase {
            self.phase = phase
            self.timeouts.enter(phase)
        }
    }
}

@available(*, unavailable)
extension HTTPConnectionHandler: Sendable {}
