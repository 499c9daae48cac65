import MetricsTestKit
import MiniWeb
import MiniWebTesting
import Testing

@Suite("Metrics middleware")
struct MetricsMiddlewareTests {
    @Test("requests are counted and timed by route template, method and status; unrouted ones as unmatched")
    func labels() async throws {
        let metrics = TestMetrics()
        let router = Router()
        router.add(middleware: MetricsMiddleware(factory: metrics))
        router.get("/users/:id") { request in try request.parameters.require("id") }
        router.post("/users/:id") { _ -> String in throw HTTPError(.conflict) }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            _ = try await client.get("/users/1")
            _ = try await client.get("/users/2")
            _ = try await client.post("/users/3")
            _ = try await client.get("/no/such/path/\(Int.random(in: 0...1000))")
            _ = try await client.execute(.delete, "/users/4")
        }
        #expect(try metrics.expectCounter("http_requests_total", [("route", "/users/:id"), ("method", "GET"), ("status", "200")]).totalValue == 2)
        #expect(try metrics.expectCounter("http_requests_total", [("route", "/users/:id"), ("method", "POST"), ("status", "409")]).totalValue == 1)
        #expect(try metrics.expectCounter("http_requests_total", [("route", "unmatched"), ("method", "GET"), ("status", "404")]).totalValue == 1)
        #expect(try metrics.expectCounter("http_requests_total", [("route", "unmatched"), ("method", "DELETE"), ("status", "405")]).totalValue == 1)
        #expect(try metrics.expectTimer("http_request_duration_seconds", [("route", "/users/:id")]).values.count == 3)
        // Raw paths never become labels.
        #expect(throws: (any Error).self) { try metrics.expectCounter("http_requests_total", [("route", "/users/1"), ("method", "GET"), ("status", "200")]) }
    }
}
