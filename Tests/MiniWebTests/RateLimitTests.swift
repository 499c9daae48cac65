import MiniWeb
import MiniWebTesting
import Testing

@Suite("Rate limiting")
struct RateLimitTests {
    static func app(rate: Double, burst: Int, proxies: Set<String> = []) throws -> Application {
        let router = Router()
        router.get("/limited", middleware: [RateLimitMiddleware(rate: rate, burst: burst, resolver: ClientAddressResolver(trustedProxies: proxies))]) { _ in "ok" }
        return try Application(router: router)
    }

    static func request(from ip: String, forwardedFor: String? = nil) -> Request {
        var headers = Headers()
        if let forwardedFor { headers["x-forwarded-for"] = forwardedFor }
        return Request(method: .get, uri: "/limited", headers: headers, remoteAddress: RemoteAddress(ip: ip, port: 4000))
    }

    @Test("a token bucket per client: the burst passes, then 429 with Retry-After, then tokens come back")
    func bucket() async throws {
        let app = try Self.app(rate: 20, burst: 3)
        for _ in 0..<3 {
            #expect(await app.respond(to: Self.request(from: "10.0.0.1")).status == .ok)
        }
        let limited = await app.respond(to: Self.request(from: "10.0.0.1"))
        #expect(limited.status == .tooManyRequests)
        #expect(limited.headers["retry-after"] == "1")
        #expect(await app.respond(to: Self.request(from: "10.0.0.2")).status == .ok, "another client has its own bucket")
        try await Task.sleep(for: .milliseconds(120))
        #expect(await app.respond(to: Self.request(from: "10.0.0.1")).status == .ok, "a token came back after 1/20 s")
    }

    @Test("X-Forwarded-For counts only from trusted proxies; their own requests are not limited")
    func proxies() async throws {
        let app = try Self.app(rate: 0.001, burst: 1, proxies: ["10.9.9.9"])
        // From an untrusted address the header is ignored: one bucket for 10.0.0.5.
        #expect(await app.respond(to: Self.request(from: "10.0.0.5", forwardedFor: "1.1.1.1")).status == .ok)
        #expect(await app.respond(to: Self.request(from: "10.0.0.5", forwardedFor: "2.2.2.2")).status == .tooManyRequests)
        // Through the proxy, each forwarded client has its own bucket (the rightmost untrusted entry).
        #expect(await app.respond(to: Self.request(from: "10.9.9.9", forwardedFor: "3.3.3.3")).status == .ok)
        #expect(await app.respond(to: Self.request(from: "10.9.9.9", forwardedFor: "6.6.6.6, 3.3.3.3")).status == .tooManyRequests)
        #expect(await app.respond(to: Self.request(from: "10.9.9.9", forwardedFor: "4.4.4.4, 10.9.9.9")).status == .ok)
        // The proxy's own requests are not limited.
        for _ in 0..<3 {
            #expect(await app.respond(to: Self.request(from: "10.9.9.9")).status == .ok)
        }
    }
}
