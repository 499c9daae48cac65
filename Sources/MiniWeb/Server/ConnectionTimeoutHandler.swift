import NIOCore

/// Closes connections that idle too long and refuses requests that trickle in.
///
/// It sits first in the pipeline, before the HTTP decoder, because only there can it see the
/// first byte of a request (the decoder reports a request only once its head is complete, which a
/// slowloris client never lets happen). The ``HTTPConnectionHandler`` tells it the phase of the
/// connection by calling ``enter(_:)``:
///
/// - awaiting a request: after `idleTimeout` without a byte, the connection is closed. The first
///   byte that arrives switches to reading.
/// - reading a request: `readTimeout` after its first byte, a ``RequestReadTimeoutEvent`` goes up
///   the pipeline, which answers 408 and closes.
/// - processing: no limit (the application's own work is not limited here).
///
/// Phase changes happen twice per request, so they only record the time: one timer per
/// connection fires at most `min(idleTimeout, readTimeout)` after the last phase change, checks
/// the deadline of the current phase, and re-arms itself. No timer is scheduled or cancelled per
/// request.
final class ConnectionTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let idleTimeout: TimeAmount
    private let readTimeout: TimeAmount
    private let checkInterval: TimeAmount
    private var phase: ConnectionPhase = .awaitingRequest
    private var phaseStart = NIODeadline.now()
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(idleTimeout: Duration, readTimeout: Duration) {
        self.idleTimeout = TimeAmount(idleTimeout)
        self.readTimeout = TimeAmount(readTimeout)
        self.checkInterval = min(self.idleTimeout, self.readTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive {
            self.enter(.awaitingRequest)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.cancelTimer()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        self.enter(.awaitingRequest)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.cancelTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if self.phase == .awaitingRequest {
            self.enter(.readingRequest)
        }
        context.fireChannelRead(data)
    }

    /// Records a new phase; arms the timer if none is armed.
    func enter(_ phase: ConnectionPhase) {
        guard phase != self.phase || phase == .awaitingRequest else { return }
        self.phase = phase
        self.phaseStart = .now()
        if phase != .processing && self.timer == nil {
            self.arm(at: self.phaseStart + self.checkInterval)
        }
    }

    private func arm(at deadline: NIODeadline) {
        guard let context = self.context else { return }
        self.timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timer = nil
            self.check()
        }
    }

    /// The timer fired: act if the current phase is over its limit, otherwise re-arm.
    private func check() {
        guard let context = self.context else { return }
        let limit: TimeAmount
        switch self.phase {
        case .processing: return  // re-armed when the connection next awaits or reads
        case .awaitingRequest: limit = self.idleTimeout
        case .readingRequest: limit = self.readTimeout
        }
        let now = NIODeadline.now()
        let deadline = self.phaseStart + limit
        guard now >= deadline else {
            self.arm(at: min(deadline, now + self.checkInterval))
            return
        }
        switch self.phase {
        case .awaitingRequest:
            context.close(promise: nil)
        case .readingRequest:
            self.phase = .processing
            context.fireUserInboundEventTriggered(RequestReadTimeoutEvent())
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
