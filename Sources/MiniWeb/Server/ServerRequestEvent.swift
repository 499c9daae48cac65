import NIOCore
import NIOHTTP1

/// What the connection handler passes to the connection's task: a complete request, or a
/// refusal the task answers (in order, after the responses it owes) before the connection closes.
enum ServerRequestEvent: Sendable {
    /// A request with its whole body.
    case request(HTTPRequestHead, ByteBuffer)
    /// The server refuses the next request (malformed, too large, too slow): answer with this
    /// error; the connection closes after it.
    case reject(HTTPError)
}

/// What a connection is doing, as the ``HTTPConnectionHandler`` tells the
/// ``ConnectionTimeoutHandler``, which applies the matching limit.
enum ConnectionPhase: Equatable {
    /// No request in progress: the idle timer runs until the first byte of the next request.
    case awaitingRequest
    /// A request has started but is not complete: the read timer runs.
    case readingRequest
    /// A request is being answered: no timer.
    case processing
}

/// Fired inbound by the ``ConnectionTimeoutHandler`` when a request took longer than the read
/// timeout to arrive.
struct RequestReadTimeoutEvent {}
