import Dispatch
@testable import MiniWeb
import NIOCore
import NIOEmbedded
import NIOHTTP1

// libFuzzer calls `LLVMFuzzerTestOneInput` with each input: the bytes a client sent on one
// connection. They go through the server's own connection pipeline (HTTPServer.configureConnection)
// on an EmbeddedChannel, and every request it delivers through a router with parameters,
// catch-alls, JSON and form decoding and the built-in middleware. Crashes, sanitizer reports and
// hangs are findings; errors are expected.

struct Note: Codable, ResponseEncodable {
    let title: String
    let tags: [String]?
    let count: Int?
}

let application: Application = {
    let router = Router()
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: CORSMiddleware(allowedOrigin: .list(["https://example.com"])))
    router.add(middleware: CompressionMiddleware())
    router.get("/plaintext") { _ in "Hello, World!" }
    router.get("/users/:id") { request in try request.parameters.require("id", as: Int.self).description }
    router.get("/files/**") { request in request.parameters.catchAll.joined(separator: "/") }
    router.get("/search") { request in try request.query.require("q") }
    router.post("/notes") { request in try request.decode(Note.self) }
    router.post("/form") { request in try request.formFields().map { "\($0.name)=\($0.value)" }.joined(separator: "&") }
    router.put("/echo/*") { request in Response(status: .ok, body: request.body) }
    let admin = router.group("/admin", middleware: [ClosureMiddleware { request, next in
        guard request.headers["authorization"] == "Bearer fuzz" else {
            throw HTTPError(.unauthorized, code: "auth_required", message: "no")
        }
        return try await next(request)
    }])
    admin.delete("/cache") { _ in HTTPStatus.noContent }
    return try! Application(router: router)
}()

let configuration = ServerConfiguration(maxBodySize: 64 * 1024, maxHeaderSize: 8 * 1024, maxHeaderCount: 64)

/// Runs an async responder to its end (libFuzzer's entry point is synchronous).
func respondSynchronously(_ request: Request) -> Response {
    final class Box: @unchecked Sendable { var response: Response? }
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.response = await application.respond(to: request)
        done.signal()
    }
    done.wait()
    return box.response!
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequest(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let channel = EmbeddedChannel()
    do {
        try HTTPServer.configureConnection(channel.pipeline.syncOperations, configuration: configuration)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    } catch {
        fatalError("pipeline setup failed: \(error)")
    }
    let bytes = channel.allocator.buffer(bytes: UnsafeRawBufferPointer(start: start, count: count))
    _ = try? channel.writeInbound(bytes)
    _ = try? channel.writeInbound(channel.allocator.buffer(capacity: 0))
    channel.embeddedEventLoop.advanceTime(by: .seconds(120))  // the read and idle timeouts fire
    var ids = RequestIDGenerator()
    while let event = try? channel.readInbound(as: ServerRequestEvent.self) {
        let response: Response
        switch event {
        case .request(let head, let body):
            response = respondSynchronously(Request(head: head, body: body, remoteAddress: RemoteAddress(ip: "127.0.0.1", port: 1), id: ids.next()))
        case .reject(let error):
            response = application.responder.respond(to: error)
        }
        precondition((100...599).contains(response.status.code), "a status outside HTTP's range: \(response.status.code)")
    }
    _ = try? channel.finish(acceptAlreadyClosed: true)
    return 0
}
