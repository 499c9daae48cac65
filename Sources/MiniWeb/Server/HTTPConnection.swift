import Logging
import NIOCore
import NIOHTTP1

/// One connection's task: answers its requests one at a time, in order.
///
/// The pipeline in front of it (``HTTPConnectionHandler``) delivers whole requests and refusals
/// and closes the connection when HTTP says so, after the last response has been flushed; this
/// task only turns requests into responses. It ends when the connection closes.
struct HTTPConnection {
    let channel: NIOAsyncChannel<ServerRequestEvent, HTTPServerResponsePart>
    let responder: ApplicationResponder
    let dates: HTTPDateCache
    let logger: Logger

    func run() async {
        let remoteAddress = self.channel.channel.remoteAddress.flatMap { address in
            address.ipAddress.map { RemoteAddress(ip: $0, port: address.port ?? 0) }
        }
        var requestIDs = RequestIDGenerator()
        do {
            try await withTaskCancellationHandler {
                try await self.channel.executeThenClose { inbound, outbound in
                    for try await event in inbound {
                        switch event {
                        case .request(let head, let body):
                            let response = await self.responder.respond(
                                to: Request(head: head, body: body, remoteAddress: remoteAddress, id: requestIDs.next())
                            )
                            try await Self.write(consume response, version: head.version, keepAlive: head.isKeepAlive, date: self.dates.current(), to: outbound)
                        case .reject(let error):
                            self.logger.debug(
                                "Refused a request",
                                metadata: ["status": "\(error.status.code)", "error": .string(error.code), "remote": "\(remoteAddress?.description ?? "-")"]
                            )
                            let response = self.responder.respond(to: error)
                            try await Self.write(consume response, version: .http1_1, keepAlive: false, date: self.dates.current(), to: outbound)
                        }
                    }
                }
            } onCancel: {
                self.channel.channel.close(promise: nil)
            }
        } catch {
            // The client went away or the write failed: nothing left to answer.
            self.logger.trace("Connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    /// Writes a finished response (see `Response.finish(for:)`) in one go.
    ///
    /// The response is consumed: with no other copy left, its header list is this function's
    /// alone, and adding `Date` appends to it rather than copying it first.
    private static func write(
        _ response: consuming Response,
        version: NIOHTTP1.HTTPVersion,
        keepAlive: Bool,
        date: String,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        let status = response.status
        let body = response.body
        var headers = response.headers.storage
        _ = consume response
        if !headers.contains(name: "date") {
            headers.add(name: "date", value: date)
        }
        if !keepAlive {
            headers.replaceOrAdd(name: "connection", value: "close")
        } else if version.minor == 0 && version.major == 1 {
            headers.replaceOrAdd(name: "connection", value: "keep-alive")
        }
        let head = HTTPResponseHead(
            version: version.major == 1 && version.minor == 0 ? .http1_0 : .http1_1,
            status: HTTPResponseStatus(statusCode: status.code, reasonPhrase: status.reasonPhrase),
            headers: headers
        )
        if body.readableBytes > 0 {
            try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(body)), .end(nil)])
        } else {
            try await outbound.write(contentsOf: [.head(head), .end(nil)])
        }
    }
}
