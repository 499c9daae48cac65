import MiniWeb
import MiniWebTesting
import NIOConcurrencyHelpers
import Testing

/// Records the order in which middleware ran, across the whole request.
final class Trace: Sendable {
    private let events = NIOLockedValueBox<[String]>([])
    func record(_ event: String) { self.events.withLockedValue { $0.append(event) } }
    var all: [String] { self.events.withLockedValue { $0 } }
}

/// A middleware that records entering and leaving and tags the response header `x-trace`.
struct Tagging: Middleware {
    let name: String
    let trace: Trace
    func handle(_ request: Request, next: Responder) async throws -> Response {
        self.trace.record("in \(self.name)")
        var response = try await next(request)
        self.trace.record("out \(self.name)")
        response.headers.add(name: "x-trace", value: self.name)
        return response
    }
}

enum GreetingKey: RequestStorageKey {
    typealias Value = String
}

@Suite("Middleware")
struct MiddlewareTests {
    @Test("global, group and route middleware nest in declaration order")
    func order() async throws {
        let trace = Trace()
        let router = Router()
        let group = router.group("/g", middleware: [Tagging(name: "group1", trace: trace)])
        group.get("/r", middleware: [Tagging(name: "route", trace: trace)]) { _ in
            trace.record("handler")
            return "ok"
        }
        // Added after the routes: still applies, to the group and globally.
        group.add(middleware: Tagging(name: "group2", trace: trace))
        router.add(middleware: Tagging(name: "global1", trace: trace))
        router.add(middleware: Tagging(name: "global2", trace: trace))
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            let response = try await client.get("/g/r")
            #expect(response.text == "ok")
            #expect(response.headers.values(for: "x-trace") == ["route", "group2", "group1", "global2", "global1"])
        }
        #expect(trace.all == [
            "in global1", "in global2", "in group1", "in group2", "in route", "handler",
            "out route", "out group2", "out group1", "out global2", "out global1",
        ])
    }

    @Test("global middleware sees 404 and 405 responses, group middleware does not run for them")
    func globalRunsForUnroutedRequests() async throws {
        let trace = Trace()
        let router = Router()
        router.add(middleware: Tagging(name: "global", trace: trace))
        let group = router.group("/g", middleware: [Tagging(name: "group", trace: trace)])
        group.post("/only-post") { _ in "posted" }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            let notFound = try await client.get("/missing")
            #expect(notFound.status == .notFound)
            #expect(notFound.headers["x-trace"] == "global")
            let notAllowed = try await client.get("/g/only-post")
            #expect(notAllowed.status == .methodNotAllowed)
            #expect(notAllowed.headers["x-trace"] == "global")
        }
        #expect(trace.all == ["in global", "out global", "in global", "out global"])
    }

    @Test("a middleware can short-circuit: nothing inside it runs")
    func shortCircuit() async throws {
        let trace = Trace()
        let router = Router()
        router.add { request, next in
            if request.headers["x-block"] != nil {
                return Response.text("blocked", status: .forbidden)
            }
            return try await next(request)
        }
        router.get("/x", middleware: [Tagging(name: "inner", trace: trace)]) { _ in
            trace.record("handler")
            return "reached"
        }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            let blocked = try await client.get("/x", headers: ["x-block": "1"])
            #expect(blocked.status == .forbidden)
            #expect(blocked.text == "blocked")
            #expect(trace.all.isEmpty)
            #expect(try await client.get("/x").text == "reached")
        }
    }

    @Test("a middleware passes a changed request down: typed storage, headers and id")
    func changedRequest() async throws {
        let router = Router()
        router.add { request, next in
            var request = request
            request.storage[GreetingKey.self] = "hello from middleware"
            request.headers["x-added"] = "yes"
            request.id = "fixed-id"
            return try await next(request)
        }
        router.get("/") { request in
            "\(request.storage[GreetingKey.self] ?? "none")|\(request.headers["X-ADDED"] ?? "none")|\(request.id)"
        }
        router.get("/unset") { request in request.storage[GreetingKey.self] ?? "none" }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            let response = try await client.get("/")
            #expect(response.text == "hello from middleware|yes|fixed-id")
        }
        let bare = Router()
        bare.get("/unset") { request in request.storage.contains(GreetingKey.self) ? "set" : "none" }
        try await Application(router: bare).test(.router) { (client) async throws in
            let response = try await client.get("/unset")
            #expect(response.text == "none")
        }
    }

    @Test("errors thrown inside reach middleware as rendered responses")
    func errorsBecomeResponses() async throws {
        let statuses = Trace()
        let router = Router()
        router.add { request, next in
            let response = try await next(request)
            statuses.record(String(response.status.code))
            return response
        }
        router.get("/teapot") { _ -> String in throw HTTPError(HTTPStatus(code: 418, reasonPhrase: "I'm a teapot"), code: "teapot", message: "short and stout") }
        let group = router.group("/guarded")
        group.add { _, _ in throw HTTPError(.unauthorized, code: "auth_required", message: "Log in first.") }
        group.get("/x") { _ in "never" }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            let teapot = try await client.get("/teapot")
            #expect(teapot.status.code == 418)
            #expect(teapot.error == .init(code: 418, error: "teapot", msg: "short and stout"))
            let guarded = try await client.get("/guarded/x")
            #expect(guarded.error == .init(code: 401, error: "auth_required", msg: "Log in first."))
        }
        #expect(statuses.all == ["418", "401"])
    }

    @Test("behind route middleware, a handler's error reaches it rendered, whatever the handler returns")
    func handlerErrorsBehindRouteMiddleware() async throws {
        // Under an asynchronous middleware the router keeps a catching form of each handler:
        // made in one step for a handler of any ResponseConvertible type, wrapped for one that
        // returns a Response. Both must hand the middleware the rendered error, and pass answers.
        let statuses = Trace()
        let recording = StatusRecording(trace: statuses)
        let router = Router()
        let group = router.group("/g", middleware: [recording, recording])
        group.get("/text") { request -> String in
            if request.query["fail"] != nil { throw HTTPError(.conflict, code: "text_failed", message: "text handler failed") }
            return "text"
        }
        group.get("/response") { request -> Response in
            if request.query["fail"] != nil { throw HTTPError(.gone, code: "response_failed", message: "response handler failed") }
            return .text("response", status: .accepted)
        }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            let text = try await client.get("/g/text")
            #expect(text.status == .ok)
            #expect(text.text == "text")
            let failedText = try await client.get("/g/text?fail=1")
            #expect(failedText.error == .init(code: 409, error: "text_failed", msg: "text handler failed"))
            let response = try await client.get("/g/response")
            #expect(response.status == .accepted)
            #expect(response.text == "response")
            let failedResponse = try await client.get("/g/response?fail=1")
            #expect(failedResponse.error == .init(code: 410, error: "response_failed", msg: "response handler failed"))
        }
        // Each middleware saw each response, the inner one first.
        #expect(statuses.all == ["200", "200", "409", "409", "202", "202", "410", "410"])
    }

    @Test("a route builder of the app's own gets the same answers behind route middleware")
    func handlerErrorsThroughAnOutsideRouteBuilder() async throws {
        let statuses = Trace()
        let recording = StatusRecording(trace: statuses)
        let router = Router()
        PrefixingBuilder(router: router, prefix: "/own").get("/text", middleware: [recording]) { request -> String in
            if request.query["fail"] != nil { throw HTTPError(.conflict, code: "text_failed", message: "text handler failed") }
            return "text"
        }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            let text = try await client.get("/own/text")
            #expect(text.status == .ok)
            #expect(text.text == "text")
            let failed = try await client.get("/own/text?fail=1")
            #expect(failed.error == .init(code: 409, error: "text_failed", msg: "text handler failed"))
        }
        #expect(statuses.all == ["200", "409"])
    }
}

/// A route builder of an app's own, forwarding to a router under a prefix: the router cannot
/// keep its handlers' one-step catching form and gets their responders only.
final class PrefixingBuilder: RouteBuilder {
    let router: Router
    let prefix: String
    init(router: Router, prefix: String) {
        self.router = router
        self.prefix = prefix
    }
    func addRoute(_ method: HTTPMethod, _ path: String, middleware: [any Middleware], responder: @escaping Responder) {
        self.router.addRoute(method, self.prefix + path, middleware: middleware, responder: responder)
    }
}

/// A middleware that records the status of the response `next` gave it (it never sees a throw).
struct StatusRecording: Middleware {
    let trace: Trace
    func handle(_ request: Request, next: Responder) async throws -> Response {
        let response = try await next(request)
        self.trace.record(String(response.status.code))
        return response
    }
}
