/// Consecutive ``SynchronousMiddleware`` of a chain, run in one asynchronous step.
///
/// Each ``Middleware`` of a chain is an asynchronous frame per request, with the request, the
/// response and the step's closure context in it, on the connection task's allocator. A run of
/// synchronous middlewares needs only this step's frame: the hooks are plain calls. The onion
/// model's semantics are kept exactly (see ``SynchronousMiddleware``): every middleware's
/// `didRespond` sees the request as it passed it on. An unchanged request is never copied; the
/// changed versions are kept for the way out (bit `k` of an 8-bit mask marks the steps that
/// changed it, which bounds a run to ``capacity`` middlewares).
struct SynchronousMiddlewareRun: Sendable {
    /// The most middlewares one run holds; a longer sequence is split into several runs.
    static let capacity = 8

    /// Outermost first; 1 to ``capacity`` of them.
    let steps: [any SynchronousMiddleware]
    /// The rest of the chain; the run renders what it throws.
    let inner: Responder
    let errors: ErrorResponder
    /// The route template to write into every response, when the run is a route's outermost step.
    let label: String?

    init(steps: [any SynchronousMiddleware], inner: @escaping Responder, errors: ErrorResponder, label: String?) {
        precondition((1...Self.capacity).contains(steps.count), "a run holds 1 to \(Self.capacity) middlewares")
        self.steps = steps
        self.inner = inner
        self.errors = errors
        self.label = label
    }

    /// Runs the `willRespond` hooks, the rest of the chain, then the `didRespond` hooks.
    /// - Parameter request: The request as the step outside this run passed it.
    /// - Returns: The response; every error is rendered.
    func respond(to request: Request) async -> Response {
        // An async function's frame has room for every value it ever holds, allocated per call:
        // the hooks run in synchronous functions, and only the run's small state lives across
        // the `await` (with the hooks inline, this frame was 2.5 kB).
        var state = RunState()
        let response: Response
        if let early = self.enter(request, &state) {
            response = early
        } else if state.versions.isEmpty {
            response = await self.innerResponse(request)
        } else {
            response = await self.innerResponse(state.versions[state.versions.count - 1])
        }
        return self.leave(consume response, request, state)
    }

    private func innerResponse(_ request: Request) async -> Response {
        do {
            return try await self.inner(request)
        } catch {
            return self.errors.response(for: error, to: request)
        }
    }

    /// The `willRespond` hooks, outermost first: `nil` when every step passed the request on,
    /// or the answer of the step that did not (its own, or its error's rendering).
    @inline(never)
    private func enter(_ request: Request, _ state: inout RunState) -> Response? {
        while state.entered < self.steps.count {
            let index = state.entered
            let decision = state.with(state.received(by: index), original: request) { received in
                do {
                    return try self.steps[index].willRespond(to: received)
                } catch {
                    return .answer(self.errors.response(for: error, to: received))
                }
            }
            switch decision {
            case .pass:
                break
            case .passChanged(let changed):
                state.changedBy |= 1 << state.entered
                state.versions.append(changed)
            case .answer(let response):
                return response
            }
            state.entered += 1
        }
        return nil
    }

    /// The `didRespond` hooks of the steps that passed the request on, innermost first, each
    /// given the request it passed on; a thrown error replaces the response with its rendering
    /// (for the request the step received). Then the route, if the run writes one.
    @inline(never)
    private func leave(_ response: consuming Response, _ request: Request, _ state: borrowing RunState) -> Response {
        var response = consume response
        let start = state.start
        var index = state.entered
        while index > 0 {
            index -= 1
            do {
                try state.with(state.passedOn(by: index), original: request) { passed in
                    try self.steps[index].didRespond(to: passed, with: &response, startedAt: start)
                }
            } catch {
                response = state.with(state.received(by: index), original: request) { received in
                    self.errors.response(for: error, to: received)
                }
            }
        }
        return MiddlewareChain.labelled(consume response, route: self.label)
    }
}

/// What a ``SynchronousMiddlewareRun`` keeps across the `await`: when it started, how far in it
/// went, and the versions of the request its steps made.
private struct RunState {
    let start = ContinuousClock.now
    /// How many steps passed the request on: their `didRespond` runs.
    var entered = 0
    /// Bit `k` is set when step `k` changed the request.
    var changedBy: UInt8 = 0
    /// The changed versions, in order; version 0, the run's own request, is not in it. Empty
    /// (no allocation) unless a step changes the request.
    var versions: [Request] = []

    /// The version step `index` received: the number of changes before it.
    func received(by index: Int) -> Int {
        (self.changedBy & UInt8(truncatingIfNeeded: (1 << index) - 1)).nonzeroBitCount
    }

    /// The version step `index` passed on: the number of changes up to and including it.
    func passedOn(by index: Int) -> Int {
        (self.changedBy & UInt8(truncatingIfNeeded: (2 << index) - 1)).nonzeroBitCount
    }

    /// Calls `body` with version `version` of the request (0 is `original`), without copying it.
    func with<Result>(_ version: Int, original: Request, _ body: (Request) throws -> Result) rethrows -> Result {
        version == 0 ? try body(original) : try body(self.versions[version - 1])
    }
}
