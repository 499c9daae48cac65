import NIOCore

/// Closes connections that idle too long and refuses requests that trickle in.
///
/// It sits first in the pipeline, before the HTTP decoder, because only there can it see the
/// first byte of a request (the decoder reports a request only once its head is complete, which a
/// slowloris client never lets happen). The ``HTTPConnectionHandler`` tells it the phase of the
/// connection through ``ConnectionPhase`` user events:
///
/// - awaiting a request: the idle timer runs; when it fires the connection is closed. The first
///   byte that arrives switches to reading.
/// - reading a request: the read timer runs from the request's first byte; when it fires a
///   ``RequestReadTimeoutEvent`` goes up the pipeline, which answers 408 and closes.
/// - processing: no timer (the application's own work is not limited here).
final class ConnectionTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let idleTimeout: TimeAmount
    private let readTimeout: TimeAmount
    private var phase: ConnectionPhase = .awaitingRequest
    private var timer: Scheduled<Void>?

    init(idleTimeout: Duration, readTimeout: Duration) {
        self.idleTimeout = TimeAmount(idleTimeout)
        self.readTimeout = TimeAmount(readTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            self.enter(.awaitingRequest, context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.cancelTimer()
    }

    func channelActive(context: ChannelHandlerContext) {
        self.enter(.awaitingRequest, context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.cancelTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if self.phase == .awaitingRequest {
            self.enter(.readingRequest, context: context)
        }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let phase = event as? ConnectionPhase else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        if phase != self.phase {
            self.enter(phase, context: context)
        }
        promise?.succeed()
    }

    private func enter(_ phase: ConnectionPhase, context: ChannelHandlerContext) {
        self.cancelTimer()
        self.phase = phase
        let loop = context.eventLoop.assumeIsolated()
        switch phase {
        case .awaitingRequest:
            self.timer = loop.scheduleTask(in: self.idleTimeout) {
                context.close(promise: nil)
            }
        case .readingRequest:
            self.timer = loop.scheduleTask(in: self.readTimeout) {
                self.timer = nil
                self.phase = .processing
                context.fireUserInboundEventTriggered(RequestReadTimeoutEvent())
            }
        case .processing:
            break
        }
    }

    private func cancelTimer() {
        self.timer?.cancel()
        self.timer = nil
    }
}

@available(*, unavailable)
extension ConnectionTimeoutHandler: Sendable {}
