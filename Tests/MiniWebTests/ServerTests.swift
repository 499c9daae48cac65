import CompressNIO
import Logging
@testable import MiniWeb
import MiniWebTesting
import NIOConcurrencyHelpers
import NIOPosix
import ServiceLifecycle
import Testing

/// A thread-safe counter for handlers.
final class Counter: Sendable {
    private let count = NIOLockedValueBox(0)
    func increment() { self.count.withLockedValue { $0 += 1 } }
    var value: Int { self.count.withLockedValue { $0 } }
}

/// Live-socket tests of the HTTP layer: every test binds a real server on 127.0.0.1.
@Suite("Server")
struct ServerTests {
    /// Routes shared by the tests: `/echo` answers with the body's size, `/sleep/:ms` waits first.
    static func makeRouter(handled: Counter? = nil) -> Router {
        let router = Router()
        router.get("/text/:value") { request in try request.parameters.require("value") }
        router.get("/sleep/:ms") { request in
            try await Task.sleep(for: .milliseconds(try request.parameters.require("ms", as: Int.self)))
            return "slept"
        }
        router.post("/echo") { request in
            handled?.increment()
            return "received \(request.body.readableBytes)"
        }
        router.get("/remote") { request in String(request.remoteAddress?.port ?? -1) }
        return router
    }

    static func withServer<Value: Sendable>(
        _ configuration: ServerConfiguration = ServerConfiguration(),
        router: Router = makeRouter(),
        _ body: (ServerAddress) async throws -> Value
    ) async throws -> Value {
        let app = try Application(router: router, configuration: configuration)
        return try await app.test(.live) { (client) async throws in
            try await body(try #require(client.address))
        }
    }

    @Test("keep-alive: several requests reuse one connection")
    func keepAlive() async throws {
        try await Self.withServer { (address) async throws in
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                var ports: [String] = []
                for _ in 0..<3 {
                    try await connection.send("GET /remote HTTP/1.1\r\nHost: test\r\n\r\n")
                    let response = try await connection.readResponse()
                    #expect(response.status == .ok)
                    #expect(response.headers["connection"] == nil)
                    // IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
                    let date = try #require(response.headers["date"])
                    #expect(date.count == 29 && date.hasSuffix(" GMT") && date.dropFirst(3).hasPrefix(", "), "\(date)")
                    ports.append(response.text)
                }
                #expect(Set(ports).count == 1)
            }
        }
    }

    @Test("responses are framed by the server: Content-Length for bodies, no Transfer-Encoding, no body where HTTP forbids one")
    func framing() async throws {
        let router = Router()
        router.get("/chunked") { _ in Response(headers: ["transfer-encoding": "chunked"], body: ByteBuffer(string: "hello")) }
        router.get("/no-content") { _ in Response(status: .noContent, headers: ["content-length": "5"], body: ByteBuffer(string: "hello")) }
        router.get("/not-modified") { _ in Response(status: .notModified, headers: ["content-length": "5", "etag": "\"v1\""]) }
        router.get("/hello") { _ in "hello world" }
        try await Self.withServer(router: router) { (address) async throws in
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                // One connection for all: a body sent where none belongs, or a wrong length,
                // would shift every response after it.
                try await connection.send(
                    "GET /chunked HTTP/1.1\r\nHost: t\r\n\r\n"
                        + "GET /no-content HTTP/1.1\r\nHost: t\r\n\r\n"
                        + "GET /not-modified HTTP/1.1\r\nHost: t\r\n\r\n"
                        + "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                        + "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                )
                let received = try await connection.readUntilClosed()
                let responses = received.split(separator: "HTTP/1.1 ").map { "HTTP/1.1 " + $0 }
                try #require(responses.count == 5, "\(received)")
                let heads = responses.map { $0.lowercased() }
                #expect(heads[0].contains("content-length: 5\r\n") && !heads[0].contains("transfer-encoding") && responses[0].hasSuffix("\r\n\r\nhello"))
                #expect(responses[1].hasPrefix("HTTP/1.1 204") && !heads[1].contains("content-length") && responses[1].hasSuffix("\r\n\r\n"))
                #expect(responses[2].hasPrefix("HTTP/1.1 304") && !heads[2].contains("content-length") && heads[2].contains("etag: \"v1\""))
                #expect(heads[3].contains("content-length: 11\r\n") && responses[3].hasSuffix("\r\n\r\n"), "HEAD: the length, not the body")
                #expect(heads[4].contains("content-length: 11\r\n") && responses[4].hasSuffix("\r\n\r\nhello world"))
            }
        }
    }

    @Test("three pipelined requests in one write are answered in order")
    func pipelining() async throws {
        try await Self.withServer { (address) async throws in
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send(
                    "GET /sleep/200 HTTP/1.1\r\nHost: t\r\n\r\n"
                        + "GET /text/second HTTP/1.1\r\nHost: t\r\n\r\n"
                        + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
                )
                #expect(try await connection.readResponse().text == "slept")
                #expect(try await connection.readResponse().text == "second")
                #expect(try await connection.readResponse().text == "received 5")
            }
        }
    }

    @Test("a declared Content-Length over the limit gets 413 before the body is sent, then the connection closes")
    func contentLengthTooLarge() async throws {
        let handled = Counter()
        try await Self.withServer(ServerConfiguration(maxBodySize: 1024), router: Self.makeRouter(handled: handled)) { (address) async throws in
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                // Only the head is sent: a server that waited for the body would never answer.
                try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1025\r\n\r\n")
                let response = try await connection.readResponse()
                #expect(response.status == .contentTooLarge)
                #expect(response.error?.error == "body_too_large")
                #expect(response.headers["connection"] == "close")
                #expect(try await connection.waitForClose())
            }
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1024\r\n\r\n" + String(repeating: "x", count: 1024))
                #expect(try await connection.readResponse().text == "received 1024")
            }
        }
        #expect(handled.value == 1)
    }

    @Test("a chunked body is collected, and refused with 413 once it grows past the limit")
    func chunkedBodies() async throws {
        try await Self.withServer(ServerConfiguration(maxBodySize: 1000)) { (address) async throws in
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
                try await connection.send("1f4\r\n" + String(repeating: "a", count: 500) + "\r\n")
                try await connection.send("1f4\r\n" + String(repeating: "b", count: 500) + "\r\n0\r\n\r\n")
                #expect(try await connection.readResponse().text == "received 1000")
            }
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
                try await connection.send("1f4\r\n" + String(repeating: "a", count: 500) + "\r\n")
                try await connection.send("1f5\r\n" + String(repeating: "b", count: 501) + "\r\n")
                let response = try await connection.readResponse()
                #expect(response.status == .contentTooLarge)
                #expect(try await connection.waitForClose())
            }
        }
    }

    @Test("a malformed request line gets 400 and the connection closes")
    func malformedRequest() async throws {
        try await Self.withServer { (address) async throws in
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send("GET /text/a HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTX/1.1\r\n\r\n")
                #expect(try await connection.readResponse().text == "a")
                let response = try await connection.readResponse()
                #expect(response.status == .badRequest)
                #expect(response.error?.error == "malformed_request")
                #expect(try await connection.waitForClose())
            }
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send("FROBNICATE / HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await connection.readResponse().status == .notImplemented)
                #expect(try await connection.waitForClose())
            }
        }
    }

    @Test("oversized or too many header fields get 431 and the connection closes")
    func oversizedHeaders() async throws {
        try await Self.withServer(ServerConfiguration(maxHeaderSize: 4096, maxHeaderCount: 20)) { (address) async throws in
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send("GET /text/a HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "v", count: 5000))\r\n\r\n")
                let response = try await connection.readResponse()
                #expect(response.status == .requestHeaderFieldsTooLarge)
                #expect(response.error?.error == "headers_too_large")
                #expect(try await connection.waitForClose())
            }
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                let many = (0..<30).map { "X-H\($0): v\r\n" }.joined()
                try await connection.send("GET /text/a HTTP/1.1\r\nHost: t\r\n\(many)\r\n")
                #expect(try await connection.readResponse().status == .requestHeaderFieldsTooLarge)
            }
        }
    }

    @Test("an idle keep-alive connection is closed after the idle timeout")
    func idleTimeout() async throws {
        // 1 s: the request must arrive before the timer ends an idle new connection, also on a
        // sanitizer build.
        try await Self.withServer(ServerConfiguration(idleTimeout: .seconds(1))) { (address) async throws in
            try await RawConnection.withConnection(to: address, deadline: .seconds(5)) { (connection) async throws in
                try await connection.send("GET /text/a HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await connection.readResponse().text == "a")
                let start = ContinuousClock.now
                #expect(try await connection.waitForClose())
                // Closed by the server's timer, well before the 5 s deadline of the test connection.
                #expect(ContinuousClock.now - start < .seconds(4))
            }
        }
    }

    @Test("a request that trickles in (slowloris) gets 408 after the read timeout")
    func slowRequest() async throws {
        let configuration = ServerConfiguration(idleTimeout: .seconds(30), requestReadTimeout: .milliseconds(400))
        try await Self.withServer(configuration) { (address) async throws in
            try await RawConnection.withConnection(to: address, deadline: .seconds(5)) { (connection) async throws in
                let start = ContinuousClock.now
                // One byte every 50 ms: the head would take 2 s; the server gives up after 0.4 s
                // and closes, which ends the sending too.
                for byte in "GET /text/a HTTP/1.1\r\nHost: t\r\nX-Slow: ".utf8 {
                    do {
                        try await connection.send([byte])
                    } catch {
                        break
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(ContinuousClock.now - start < .seconds(3))
                let response = try await connection.readResponse()
                #expect(response.status == .requestTimeout)
                #expect(response.error?.error == "request_timeout")
                #expect(try await connection.waitForClose())
            }
            // A body that stops half-way is cut off the same way.
            try await RawConnection.withConnection(to: address, deadline: .seconds(5)) { (connection) async throws in
                try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nhalf")
                #expect(try await connection.readResponse().status == .requestTimeout)
            }
        }
    }

    @Test("Expect: 100-continue gets 100 Continue, then the final response")
    func expectContinue() async throws {
        try await Self.withServer { (address) async throws in
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
                let interim = try await connection.readResponse()
                #expect(interim.status == .continue)
                try await connection.send("abcd")
                #expect(try await connection.readResponse().text == "received 4")
            }
        }
    }

    @Test("HTTP/1.0 and Connection: close end the connection after the response")
    func connectionClose() async throws {
        try await Self.withServer { (address) async throws in
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send("GET /text/a HTTP/1.0\r\n\r\n")
                let response = try await connection.readResponse()
                #expect(response.text == "a")
                #expect(response.headers["connection"] == "close")
                #expect(try await connection.waitForClose())
            }
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send("GET /text/b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let response = try await connection.readResponse()
                #expect(response.headers["connection"] == "keep-alive")
                try await connection.send("GET /text/c HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                #expect(try await connection.readResponse().text == "c")
                #expect(try await connection.waitForClose())
            }
        }
    }

    @Test("a half-closed client still gets its responses")
    func halfClose() async throws {
        try await Self.withServer { (address) async throws in
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send("GET /sleep/100 HTTP/1.1\r\nHost: t\r\n\r\nGET /text/z HTTP/1.1\r\nHost: t\r\n\r\n")
                try await connection.closeOutput()
                #expect(try await connection.readResponse().text == "slept")
                #expect(try await connection.readResponse().text == "z")
                #expect(try await connection.waitForClose())
            }
        }
    }

    @Test("gzip is negotiated with Accept-Encoding for large text responses")
    func compression() async throws {
        let router = Router()
        router.add(middleware: CompressionMiddleware(minimumSize: 100))
        let large = String(repeating: "MiniWeb compresses text. ", count: 200)
        router.get("/large") { _ in large }
        router.get("/small") { _ in "tiny" }
        router.get("/binary") { _ in Response(headers: ["content-type": "image/png"], body: ByteBuffer(string: large)) }
        try await Self.withServer(router: router) { (address) async throws in
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send("GET /large HTTP/1.1\r\nHost: t\r\nAccept-Encoding: br;q=1.0, gzip;q=0.5\r\n\r\n")
                let gzipped = try await connection.readResponse()
                #expect(gzipped.headers["content-encoding"] == "gzip")
                #expect(gzipped.headers["vary"] == "Accept-Encoding")
                #expect(gzipped.body.readableBytes < large.utf8.count / 10)
                var compressed = gzipped.body
                let plain = try compressed.decompress(with: .gzip())
                #expect(String(buffer: plain) == large)

                try await connection.send("GET /large HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip;q=0, identity\r\n\r\n")
                let identity = try await connection.readResponse()
                #expect(identity.headers["content-encoding"] == nil)
                #expect(identity.text == large)

                try await connection.send("GET /large HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await connection.readResponse().headers["content-encoding"] == nil)

                try await connection.send("GET /small HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n")
                let small = try await connection.readResponse()
                #expect(small.headers["content-encoding"] == nil)
                #expect(small.headers["vary"] == nil, "below the threshold the answer never varies")

                try await connection.send("GET /binary HTTP/1.1\r\nHost: t\r\nAccept-Encoding: *\r\n\r\n")
                #expect(try await connection.readResponse().headers["content-encoding"] == nil)
            }
        }
    }

    @Test("graceful shutdown lets an in-flight request finish and refuses new connections")
    func gracefulShutdown() async throws {
        // Timing-free, so that it holds under ThreadSanitizer's slowdown too: the handler says when
        // the request is in flight, and the refusal of new connections is polled for.
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let router = Self.makeRouter()
        router.get("/slow") { _ in
            startedContinuation.yield()
            try await Task.sleep(for: .seconds(2))
            return "slept"
        }
        let (addresses, continuation) = AsyncStream<ServerAddress>.makeStream()
        let app = try Application(
            router: router,
            configuration: ServerConfiguration(port: 0, shutdownTimeout: .seconds(30)),
            onServerRunning: { address in continuation.yield(address) }
        )
        let group = ServiceGroup(configuration: .init(services: [.init(service: app)], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let address = try #require(await addresses.first { _ in true })
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
                _ = await started.first { _ in true }
                await group.triggerGracefulShutdown()
                // The listening socket closes: soon a new connection is refused.
                var refused = false
                let deadline = ContinuousClock.now + .seconds(20)
                while !refused, ContinuousClock.now < deadline {
                    do {
                        try await RawConnection.withConnection(to: address) { _ in }
                        try await Task.sleep(for: .milliseconds(20))
                    } catch {
                        refused = true
                    }
                }
                #expect(refused)
                let response = try await connection.readResponse()
                #expect(response.text == "slept")
                #expect(response.headers["connection"] == "close")
                #expect(try await connection.waitForClose())
            }
            try await tasks.waitForAll()
        }
    }

    @Test("the Date header is formatted as RFC 9110's IMF-fixdate")
    func dateFormat() {
        #expect(HTTPDateCacheFormatCheck.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDateCacheFormatCheck.format(1_795_700_000) == "Thu, 26 Nov 2026 13:33:20 GMT")
    }

    @Test("port 0 binds an ephemeral port that the application reports")
    func ephemeralPort() async throws {
        try await Self.withServer { (address) async throws in
            #expect(address.port > 0)
            #expect(address.port != 8080)
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send("GET /text/up HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await connection.readResponse().text == "up")
            }
        }
    }

    @Test("handlers run on their connection's event loop, before and after an await, unless configured not to", arguments: [true, false])
    func handlerExecutor(onEventLoop: Bool) async throws {
        let router = Router()
        router.get("/where") { _ in
            let before = MultiThreadedEventLoopGroup.currentEventLoop != nil
            try await Task.sleep(for: .milliseconds(1))
            let after = MultiThreadedEventLoopGroup.currentEventLoop != nil
            return "\(before) \(after)"
        }
        let configuration = ServerConfiguration(handlersRunOnEventLoop: onEventLoop)
        try await Self.withServer(configuration, router: router) { (address) async throws in
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                for _ in 0..<2 {
                    try await connection.send("GET /where HTTP/1.1\r\nHost: t\r\n\r\n")
                    #expect(try await connection.readResponse().text == "\(onEventLoop) \(onEventLoop)")
                }
            }
        }
    }
}

typealias HTTPDateCacheFormatCheck = HTTPDateCache
