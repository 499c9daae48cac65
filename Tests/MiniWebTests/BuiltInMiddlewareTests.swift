import Logging
import MiniWeb
import MiniWebTesting
import Testing

@Suite("Built-in middleware")
struct BuiltInMiddlewareTests {
    @Test("RequestIDMiddleware keeps a valid incoming id, replaces an unsafe one, and echoes it")
    func requestID() async throws {
        let router = Router()
        router.add(middleware: RequestIDMiddleware())
        router.get("/id") { request in request.id }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            let kept = try await client.get("/id", headers: ["x-request-id": "trace-123:abc"])
            #expect(kept.text == "trace-123:abc")
            #expect(kept.headers["x-request-id"] == "trace-123:abc")

            let unsafe = try await client.get("/id", headers: ["x-request-id": "bad id\twith spaces"])
            #expect(unsafe.text != "bad id\twith spaces")
            #expect(unsafe.headers["x-request-id"] == unsafe.text)

            let generated = try await client.get("/id")
            #expect(generated.text.count == 15)
            #expect(generated.text.allSatisfy { $0.isHexDigit })
            let again = try await client.get("/id")
            #expect(again.text != generated.text)

            // Errors carry the id too.
            #expect(try await client.get("/missing", headers: ["x-request-id": "e-1"]).headers["x-request-id"] == "e-1")
        }
    }

    @Test("RequestLoggingMiddleware logs method, path, status, duration and id, and never the query or Authorization")
    func requestLogging() async throws {
        let logs = LogCapture()
        let router = Router()
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: RequestLoggingMiddleware(logger: logs.logger()))
        router.post("/login") { _ in "ok" }
        router.get("/fail") { _ -> String in throw HTTPError(.badGateway, code: "upstream") }
        let app = try Application(router: router)
        try await app.test(.live) { (client) async throws in
            _ = try await client.post(
                "/login?code=SECRET-CODE",
                headers: ["authorization": "Bearer SECRET-TOKEN", "cookie": "session=SECRET-COOKIE", "x-request-id": "req-7"],
                body: ByteBuffer(string: "SECRET-BODY")
            )
            _ = try await client.get("/fail")
        }
        let entries = logs.entries
        #expect(entries.count == 2)
        let login = try #require(entries.first)
        #expect(login.level == .info)
        #expect(login.metadata["method"] == "POST")
        #expect(login.metadata["path"] == "/login")
        #expect(login.metadata["status"] == "200")
        #expect(login.metadata["request_id"] == "req-7")
        #expect(Double(login.metadata["duration_ms"] ?? "") != nil)
        #expect(entries.last?.level == .error)
        #expect(!logs.text.contains("SECRET"))
    }

    @Test("CORSMiddleware answers preflights and decorates cross-origin responses, errors included")
    func cors() async throws {
        let router = Router()
        router.add(middleware: CORSMiddleware(allowedOrigin: .list(["https://app.example"]), allowCredentials: true))
        router.get("/data") { _ in "data" }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            let preflight = try await client.execute(
                .options,
                "/data",
                headers: ["origin": "https://app.example", "access-control-request-method": "GET"]
            )
            #expect(preflight.status == .noContent)
            #expect(preflight.headers["access-control-allow-origin"] == "https://app.example")
            #expect(preflight.headers["access-control-allow-methods"]?.contains("GET") == true)
            #expect(preflight.headers["access-control-allow-credentials"] == "true")
            #expect(preflight.headers["vary"] == "Origin")

            let simple = try await client.get("/data", headers: ["origin": "https://app.example"])
            #expect(simple.text == "data")
            #expect(simple.headers["access-control-allow-origin"] == "https://app.example")

            let notFound = try await client.get("/nope", headers: ["origin": "https://app.example"])
            #expect(notFound.status == .notFound)
            #expect(notFound.headers["access-control-allow-origin"] == "https://app.example")

            let stranger = try await client.get("/data", headers: ["origin": "https://evil.example"])
            #expect(stranger.headers["access-control-allow-origin"] == nil)

            let sameOrigin = try await client.get("/data")
            #expect(sameOrigin.headers["vary"] == nil)
        }
    }

    @Test("Accept-Encoding parsing follows q-values and wildcards")
    func acceptEncoding() async throws {
        let router = Router()
        router.add(middleware: CompressionMiddleware(minimumSize: 10))
        router.get("/t") { _ in String(repeating: "abc", count: 100) }
        let app = try Application(router: router)
        let cases: [(String?, Bool)] = [
            ("gzip", true), ("GZIP", true), ("deflate, gzip;q=0.1", true), ("gzip;q=0", false),
            ("*", true), ("*;q=0", false), ("*, gzip;q=0", false), ("br", false), ("identity", false), (nil, false),
        ]
        try await app.test(.router) { (client) async throws in
            for (header, compressed) in cases {
                let headers: Headers = header.map { ["accept-encoding": $0] } ?? [:]
                let response = try await client.get("/t", headers: headers)
                #expect((response.headers["content-encoding"] == "gzip") == compressed, "Accept-Encoding: \(header ?? "none")")
            }
        }
    }
}
