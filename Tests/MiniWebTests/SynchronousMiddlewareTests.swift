import Logging
import MiniWeb
import MiniWebTesting
import NIOConcurrencyHelpers
import Testing

/// What a ``Step`` does besides recording.
enum StepAction: Sendable, CaseIterable {
    case pass
    /// `willRespond` answers 202.
    case answer
    /// `willRespond` throws 403.
    case throwOnTheWayIn
    /// `didRespond` throws 409.
    case throwOnTheWayOut
}

/// A synchronous middleware that records what each hook saw: the `x-path` header (every step
/// appends its name on the way in) and, on the way out, the status.
struct Step: SynchronousMiddleware {
    let name: String
    let action: StepAction
    let trace: Trace
    /// Whether the step appends its name to `x-path` (or passes the request on unchanged).
    var changesRequest = true
    /// Whether the step decides in `willRespondAsynchronously`, after a suspension.
    var waits = false

    func willRespond(to request: Request) throws -> MiddlewareDecision {
        if self.waits { return .continueAsynchronously }
        return try self.decide(request)
    }

    func willRespondAsynchronously(to request: Request) async throws -> MiddlewareDecision {
        #expect(self.waits, "only a waiting step is asked to continue asynchronously")
        await Task.yield()
        return try self.decide(request)
    }

    private func decide(_ request: Request) throws -> MiddlewareDecision {
        self.trace.record("in \(self.name) \(request.headers.values(for: "x-path"))")
        switch self.action {
        case .answer: return .answer(Response.text("answered by \(self.name)", status: .accepted))
        case .throwOnTheWayIn: throw HTTPError(.forbidden, code: "refused_\(self.name)", message: "Refused by \(self.name).")
        case .pass, .throwOnTheWayOut:
            guard self.changesRequest else { return .pass }
            var changed = request
            changed.headers.add(name: "x-path", value: self.name)
            return .passChanged(changed)
        }
    }

    func didRespond(to request: Request, with response: inout Response, startedAt: ContinuousClock.Instant) throws {
        self.trace.record("out \(self.name) \(request.headers.values(for: "x-path")) \(response.status.code)")
        if self.action == .throwOnTheWayOut {
            throw HTTPError(.conflict, code: "late_\(self.name)", message: "Refused late by \(self.name).")
        }
        response.headers.add(name: "x-trace", value: self.name)
    }
}

/// The same middleware behind the general ``Middleware`` protocol: the chain gives it an
/// asynchronous step of its own, the plain onion model the fused runs must reproduce.
struct AsynchronousStep: Middleware {
    let step: Step
    func handle(_ request: Request, next: Responder) async throws -> Response {
        try await self.step.handle(request, next: next)
    }
}

@Suite("Synchronous middleware")
struct SynchronousMiddlewareTests {
    /// One request through `steps` (global) around a route whose handler records what it saw.
    private func run(_ steps: [any Middleware], trace: Trace, handlerThrows: Bool = false) async throws -> (status: Int, body: String, traced: [String]) {
        let router = Router()
        for step in steps {
            router.add(middleware: step)
        }
        router.get("/r") { request -> String in
            trace.record("handler \(request.headers.values(for: "x-path"))")
            if handlerThrows { throw HTTPError(.badRequest, code: "handler_refused", message: "No.") }
            return "handled"
        }
        return try await Application(router: router).test(.router) { (client) async throws in
            let response = try await client.get("/r")
            return (Int(response.status.code), response.text, response.headers.values(for: "x-trace"))
        }
    }

    /// Steps `a`, `b` and `c`, of which `b` does `middle` and the others pass.
    private func steps(middle: StepAction, trace: Trace) -> [any Middleware] {
        [Step(name: "a", action: .pass, trace: trace), Step(name: "b", action: middle, trace: trace), Step(name: "c", action: .pass, trace: trace)]
    }

    @Test("hooks run in onion order with each step's own request, across runs longer than eight")
    func order() async throws {
        let trace = Trace()
        let names = (0..<10).map { "s\($0)" }
        let result = try await self.run(names.map { Step(name: $0, action: .pass, trace: trace) }, trace: trace)
        #expect(result.status == 200)
        #expect(result.traced == names.reversed())
        // Step k receives the names of the steps outside it, and passes its own on.
        let expected = names.indices.map { "in \(names[$0]) \(Array(names[..<$0]))" }
            + ["handler \(names)"]
            + names.indices.reversed().map { "out \(names[$0]) \(Array(names[...$0])) 200" }
        #expect(trace.all == expected)
        #expect(trace.all[2] == #"in s2 ["s0", "s1"]"# && trace.all.last == #"out s0 ["s0"] 200"#)
    }

    @Test("a step that answers or throws on the way in stops the way in; outer steps see the response")
    func stopsOnTheWayIn() async throws {
        let trace = Trace()
        let answered = try await self.run(self.steps(middle: .answer, trace: trace), trace: trace)
        #expect(answered.status == 202 && answered.body == "answered by b" && answered.traced == ["a"])
        #expect(trace.all == ["in a []", "in b [\"a\"]", "out a [\"a\"] 202"])

        let refusals = Trace()
        let refused = try await self.run(self.steps(middle: .throwOnTheWayIn, trace: refusals), trace: refusals)
        #expect(refused.status == 403 && refused.body.contains("refused_b") && refused.traced == ["a"])
        #expect(refusals.all == ["in a []", "in b [\"a\"]", "out a [\"a\"] 403"])
    }

    @Test("an error on the way out, or from the handler, reaches the outer steps rendered")
    func errorsOnTheWayOut() async throws {
        let trace = Trace()
        let late = try await self.run(self.steps(middle: .throwOnTheWayOut, trace: trace), trace: trace)
        // b's error replaces the response c decorated: c's `x-trace` is gone with it.
        #expect(late.status == 409 && late.body.contains("late_b") && late.traced == ["a"])
        #expect(trace.all.suffix(3) == ["out c [\"a\", \"b\", \"c\"] 200", "out b [\"a\", \"b\"] 200", "out a [\"a\"] 409"])

        let handlerTrace = Trace()
        let handlerError = try await self.run([Step(name: "a", action: .pass, trace: handlerTrace)], trace: handlerTrace, handlerThrows: true)
        #expect(handlerError.status == 400 && handlerError.body.contains("handler_refused") && handlerError.traced == ["a"])
    }

    @Test("runs of synchronous steps behave exactly as the same steps one asynchronous step each")
    func sameAsOnion() async throws {
        // Twelve steps, an asynchronous one among them (so runs of 2, 8 and 1), with one step doing
        // something other than passing at every position in turn (and none), different steps
        // changing the request, and none, some (the first of a run among them, the last, and two
        // in a row) or all of them waiting: deciding in `willRespondAsynchronously`.
        let changing: [(String, (Int) -> Bool)] = [("all", { _ in true }), ("none", { _ in false }), ("some", { $0 % 3 != 1 }), ("others", { $0 % 3 == 1 })]
        let waiting: [(String, (Int) -> Bool)] = [("none", { _ in false }), ("some", { [3, 6, 7, 11].contains($0) }), ("all", { _ in true })]
        let patterns = changing.flatMap { change in waiting.map { wait in (change: change, wait: wait) } }
        for (change, wait) in patterns {
            for position in [nil] + Array(0..<12) {
                for action in StepAction.allCases where action != .pass || position == nil {
                    let fused = Trace()
                    let onion = Trace()
                    func steps(_ trace: Trace, asynchronous: Bool) -> [any Middleware] {
                        (0..<12).map { index -> any Middleware in
                            let step = Step(
                                name: "s\(index)",
                                action: index == position ? action : .pass,
                                trace: trace,
                                changesRequest: change.1(index),
                                waits: wait.1(index)
                            )
                            return asynchronous || index == 2 ? AsynchronousStep(step: step) : step
                        }
                    }
                    let viaRuns = try await self.run(steps(fused, asynchronous: false), trace: fused)
                    let viaSteps = try await self.run(steps(onion, asynchronous: true), trace: onion)
                    let label = "\(change.0) change, \(wait.0) wait, step \(String(describing: position)) \(action)"
                    #expect(viaRuns.status == viaSteps.status, "\(label)")
                    #expect(viaRuns.body == viaSteps.body, "\(label)")
                    #expect(viaRuns.traced == viaSteps.traced, "\(label)")
                    #expect(fused.all == onion.all, "\(label)")
                }
            }
        }
    }

    @Test("continuing asynchronously needs willRespondAsynchronously, which must decide: otherwise a 500, logged")
    func continuingAsynchronouslyNeedsTheHook() async throws {
        for (middleware, message) in [
            (NotWaiting() as any Middleware, "does not implement willRespondAsynchronously"),
            (WaitingForever(), "willRespondAsynchronously(to:) returned .continueAsynchronously"),
        ] {
            for alone in [false, true] {
                let logs = LogCapture()
                let router = Router()
                // In a run of synchronous middlewares, or called through `handle` as an
                // asynchronous middleware's `next` would.
                router.add(middleware: alone ? AsynchronousWrapper(inner: middleware) : middleware)
                router.get("/r") { _ in "never" }
                let status = try await Application(router: router, logger: logs.logger(level: .error)).test(.router) { (client) async throws in
                    try await client.get("/r").status
                }
                #expect(status == .internalServerError)
                #expect(logs.entries.contains { $0.message.contains(message) || $0.metadata.values.contains { $0.contains(message) } }, "\(logs.entries)")
            }
        }
    }

    @Test("a failing hook's 500 is logged with the request id that step received")
    func failuresLogTheReceivedRequest() async throws {
        for failOnTheWayIn in [false, true] {
            var logged: [[String]] = []
            for asynchronous in [false, true] {
                let logs = LogCapture()
                let router = Router()
                for name in ["a", "b", "c"] {
                    let step = Renaming(name: name, fails: name == "b" ? (failOnTheWayIn ? .onTheWayIn : .onTheWayOut) : nil)
                    router.add(middleware: asynchronous ? AsynchronousRenaming(step: step) : step as any Middleware)
                }
                router.get("/r") { _ in "ok" }
                let status = try await Application(router: router, logger: logs.logger(level: .error)).test(.router) { (client) async throws in
                    try await client.get("/r", headers: ["x-request-id": "original"]).status
                }
                #expect(status == .internalServerError)
                logged.append(logs.entries.compactMap { $0.metadata["request_id"] })
            }
            // b received a's request: it failed with "id-a", whichever hook failed.
            #expect(logged[0] == ["id-a"], "fused, failing on the way \(failOnTheWayIn ? "in" : "out")")
            #expect(logged[1] == ["id-a"], "one step each, failing on the way \(failOnTheWayIn ? "in" : "out")")
        }
    }

    @Test("global middleware sees the route template on every routed response, whatever the route's middleware")
    func routeLabel() async throws {
        let routes = Trace()
        let router = Router()
        router.add(middleware: RouteRecorder(routes: routes))
        let trace = Trace()
        router.get("/plain/:id") { _ in "ok" }
        router.get("/failing/:id") { _ -> String in throw HTTPError(.conflict, code: "no", message: "No.") }
        router.get("/synchronous/:id", middleware: [Step(name: "s", action: .pass, trace: trace)]) { _ in "ok" }
        router.get("/answering/:id", middleware: [Step(name: "s", action: .answer, trace: trace)]) { _ in "never" }
        router.get("/asynchronous/:id", middleware: [AsynchronousStep(step: Step(name: "a", action: .pass, trace: trace))]) { _ -> String in
            throw HTTPError(.conflict, code: "no", message: "No.")
        }
        router.get("/mixed/:id", middleware: [Step(name: "s", action: .pass, trace: trace), AsynchronousStep(step: Step(name: "a", action: .throwOnTheWayIn, trace: trace))]) { _ in "never" }
        try await Application(router: router).test(.router) { (client) async throws in
            for path in ["/plain/1", "/failing/1", "/synchronous/1", "/answering/1", "/asynchronous/1", "/mixed/1", "/missing"] {
                _ = try await client.get(path)
            }
        }
        #expect(routes.all == [
            "/plain/:id 200", "/failing/:id 409", "/synchronous/:id 200", "/answering/:id 202", "/asynchronous/:id 409", "/mixed/:id 403", "nil 404",
        ])
    }

    @Test("requests are routed before global middleware runs: it sees the route on the way in, and shares a step with the route's")
    func routedBeforeGlobalMiddleware() async throws {
        let routes = Trace()
        let router = Router()
        router.add(middleware: RouteRecorder(routes: routes, recordsRequests: true))
        router.get("/users/:id") { request in request.parameters["id"] ?? "none" }
        router.post("/users/:id") { _ in "posted" }
        try await Application(router: router).test(.router) { (client) async throws in
            #expect(try await client.get("/users/7").text == "7")
            #expect(try await client.execute(.delete, "/users/7").status == .methodNotAllowed)
            #expect(try await client.get("/nowhere").status == .notFound)
            #expect(try await client.get("/bad%zz").status == .badRequest)
        }
        #expect(routes.all == ["in /users/:id", "/users/:id 200", "in nil", "nil 405", "in nil", "nil 404", "in nil", "nil 400"])
    }

    @Test("didRespond gets the time the request reached the run, before the handler ran")
    func startedAt() async throws {
        let times = TimeTrace()
        let router = Router()
        router.add(middleware: StartRecorder(times: times))
        router.get("/r") { _ -> String in
            times.record(handler: ContinuousClock.now)
            return "ok"
        }
        try await Application(router: router).test(.router) { (client) async throws in
            _ = try await client.get("/r")
        }
        let (started, handled) = times.values
        #expect(try #require(started) <= #require(handled))
    }
}

/// `startedAt` as `didRespond` got it, and when the handler ran.
final class TimeTrace: Sendable {
    private let box = NIOLockedValueBox<(started: ContinuousClock.Instant?, handled: ContinuousClock.Instant?)>((nil, nil))
    func record(started: ContinuousClock.Instant) { self.box.withLockedValue { $0.started = started } }
    func record(handler: ContinuousClock.Instant) { self.box.withLockedValue { $0.handled = handler } }
    var values: (ContinuousClock.Instant?, ContinuousClock.Instant?) { self.box.withLockedValue { ($0.started, $0.handled) } }
}

struct StartRecorder: SynchronousMiddleware {
    let times: TimeTrace
    func didRespond(to request: Request, with response: inout Response, startedAt: ContinuousClock.Instant) {
        self.times.record(started: startedAt)
    }
}

/// Passes the request on with the id `id-NAME`; optionally fails with a plain (non-HTTP) error.
struct Renaming: SynchronousMiddleware {
    enum Failure { case onTheWayIn, onTheWayOut }
    struct Broken: Error {}
    let name: String
    let fails: Failure?

    func willRespond(to request: Request) throws -> MiddlewareDecision {
        if self.fails == .onTheWayIn { throw Broken() }
        var changed = request
        changed.id = "id-\(self.name)"
        return .passChanged(changed)
    }

    func didRespond(to request: Request, with response: inout Response, startedAt: ContinuousClock.Instant) throws {
        if self.fails == .onTheWayOut { throw Broken() }
    }
}

struct AsynchronousRenaming: Middleware {
    let step: Renaming
    func handle(_ request: Request, next: Responder) async throws -> Response {
        try await self.step.handle(request, next: next)
    }
}

/// Records the route template and status of every response it sees, and the route of every
/// request on the way in (`in` records).
struct RouteRecorder: SynchronousMiddleware {
    let routes: Trace
    var recordsRequests = false

    func willRespond(to request: Request) -> MiddlewareDecision {
        if self.recordsRequests { self.routes.record("in \(request.route ?? "nil")") }
        return .pass
    }

    func didRespond(to request: Request, with response: inout Response, startedAt: ContinuousClock.Instant) {
        self.routes.record("\(response.route ?? "nil") \(response.status.code)")
    }
}

/// Asks to continue asynchronously without implementing `willRespondAsynchronously`.
struct NotWaiting: SynchronousMiddleware {
    func willRespond(to request: Request) throws -> MiddlewareDecision {
        .continueAsynchronously
    }
}

/// Asks to continue asynchronously, twice.
struct WaitingForever: SynchronousMiddleware {
    func willRespond(to request: Request) throws -> MiddlewareDecision {
        .continueAsynchronously
    }

    func willRespondAsynchronously(to request: Request) async throws -> MiddlewareDecision {
        .continueAsynchronously
    }
}

/// Any middleware behind the general protocol: an asynchronous step of its own.
struct AsynchronousWrapper: Middleware {
    let inner: any Middleware
    func handle(_ request: Request, next: Responder) async throws -> Response {
        try await self.inner.handle(request, next: next)
    }
}
