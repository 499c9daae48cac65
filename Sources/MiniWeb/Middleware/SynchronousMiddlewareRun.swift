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
    /// The route template to write into every response before the `didRespond` hooks see it,
    /// when the run is part of a route's chain.
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
        var response: Response
        if let early = self.enter(request, &state) {
            response = early
        } else {
            response = await self.innerResponse(request, &state)
        }
        self.leave(&response, request, &state)
        return response
    }

    /// The response from inside the run, after the rest of the way in where a step asked to
    /// continue asynchronously (then the answer of the step that did not pass the request on).
    /// Inlined into `respond`, whose frame is then 912 bytes; never inlined, the two frames made
    /// 416 + 672, and leaving from two places (for an answer and for the inner response) 1,072.
    private func innerResponse(_ request: Request, _ state: inout RunState) async -> Response {
        if state.suspended, let answer = await self.enterAfterWaiting(request, &state) {
            return answer
        }
        guard !state.versions.isEmpty else {
            return await self.respondInside(request)
        }
        // The last version is moved out for the call and back in for the way out: no copy.
        let passed = state.versions.removeLast()
        let response = await self.respondInside(passed)
        state.versions.append(consume passed)
        return response
    }

    private func respondInside(_ request: Request) async -> Response {
        do {
            return try await self.inner(request)
        } catch {
            return self.errors.response(for: error, to: request)
        }
    }

    /// The `willRespond` hooks, outermost first: `nil` when every step passed the request on, or
    /// a step asked to continue asynchronously (`state.suspended`, with `state.entered` that
    /// step), or the answer of the step that did not pass it on (its own, or its error's rendering).
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
            if let answer = state.record(consume decision) {
                return answer
            }
            if state.suspended {
                return nil
            }
        }
        return nil
    }

    /// The rest of the way in after a step asked to continue asynchronously: that step's
    /// `willRespondAsynchronously`, then the steps inside it (any of which may ask again). The
    /// rare path, in a function of its own so that its values stay out of `respond`'s frame.
    private func enterAfterWaiting(_ request: Request, _ state: inout RunState) async -> Response? {
        while state.suspended {
            state.suspended = false
            let index = state.entered
            let received = state.with(state.received(by: index), original: request) { $0 }
            let decision: MiddlewareDecision
            do {
                decision = try await self.steps[index].willRespondAsynchronously(to: received)
            } catch {
                return self.errors.response(for: error, to: received)
            }
            if case .continueAsynchronously = decision {
                let error = UnimplementedAsynchronousHook(middleware: type(of: self.steps[index]), repeated: true)
                return self.errors.response(for: error, to: received)
            }
            if let answer = state.record(consume decision) {
                return answer
            }
            if let answer = self.enter(request, &state) {
                return answer
            }
        }
        return nil
    }

    /// The `didRespond` hooks of the steps that passed the request on, innermost first, each
    /// given the request it passed on; a thrown error replaces the response with its rendering
    /// (for the request the step received). Every response the hooks see, and the one returned,
    /// carries the route, if the run writes one.
    ///
    /// Each changed version is moved out of the state when the way out reaches it, into a
    /// constant that is lent to the hooks: lent from the array (or through a pointer into it, or
    /// from an optional), it was copied for every call (a retain of each of its references).
    @inline(never)
    private func leave(_ response: inout Response, _ request: Request, _ state: inout RunState) {
        MiddlewareChain.label(&response, route: self.label)
        var index = state.entered
        while index > 0 {
            let version = state.passedOn(by: index - 1)
            guard version > 0 else {
                self.leave(passing: request, version: 0, from: &index, &response, request, state)
                return
            }
            // The versions after this one are no longer needed; this one is the last left.
            state.versions.removeLast(state.versions.count - version)
            let passed = state.versions.removeLast()
            self.leave(passing: passed, version: version, from: &index, &response, request, state)
        }
    }

    /// The `didRespond` hooks of the steps before `index` that passed on version `version`,
    /// which is `passed`; `index` ends at the first step that passed on another.
    @inline(__always)
    private func leave(
        passing passed: Request,
        version: Int,
        from index: inout Int,
        _ response: inout Response,
        _ request: Request,
        _ state: borrowing RunState
    ) {
        while index > 0, state.passedOn(by: index - 1) == version {
            index -= 1
            do {
                try self.steps[index].didRespond(to: passed, with: &response, startedAt: state.start)
            } catch {
                // The version the step received: the one it passed on, or the one before (still
                // in the state) if it changed the request.
                let received = state.received(by: index)
                if received == version {
                    response = self.errors.response(for: error, to: passed)
                } else {
                    response = state.with(received, original: request) { received in self.errors.response(for: error, to: received) }
                }
                MiddlewareChain.label(&response, route: self.label)
            }
        }
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
    /// (no allocation) unless a step changes the request. (Holding the first change inline saved
    /// that allocation but made the run's frame 320 bytes larger, per run and request, in the
    /// connection task's memory, which at hundreds of connections is the colder memory.)
    var versions: [Request] = []
    /// Whether step `entered` asked to continue asynchronously.
    var suspended = false

    /// Records the decision of step `entered`: its answer, or `nil` when it passed the request on
    /// (then the next step is `entered`) or asked to continue asynchronously (then `suspended`).
    mutating func record(_ decision: consuming MiddlewareDecision) -> Response? {
        switch consume decision {
        case .pass:
            break
        case .continueAsynchronously:
            self.suspended = true
            return nil
        case .passChanged(let changed):
            self.versions.append(consume changed)
            self.changedBy |= 1 << self.entered
        case .answer(let response):
            return response
        }
        self.entered += 1
        return nil
    }

    /// The version step `index` received: the number of changes before it.
    func received(by index: Int) -> Int {
        (self.changedBy & UInt8(truncatingIfNeeded: (1 << index) - 1)).nonzeroBitCount
    }

    /// The version step `index` passed on: the number of changes up to and including it.
    func passedOn(by index: Int) -> Int {
        (self.changedBy & UInt8(truncatingIfNeeded: (2 << index) - 1)).nonzeroBitCount
    }

    /// Calls `body` with version `version` of the request (0 is `original`). A version is copied
    /// out of the array for the call (a retain of each of its references): the way out, which
    /// calls most hooks, moves the versions out instead (see `leave`).
    @inline(__always)
    func with<Result>(_ version: Int, original: Request, _ body: (Request) throws -> Result) rethrows -> Result {
        version == 0 ? try body(original) : try body(self.versions[version - 1])
    }
}
