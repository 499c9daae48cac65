/// Consecutive ``SynchronousMiddleware`` of a chain, run in one asynchronous step.
///
/// Each ``Middleware`` of a chain is an asynchronous frame per request, with the request, the
/// response and the step's closure context in it, on the connection task's allocator. A run of
/// synchronous middlewares needs only this step's frame: the hooks are plain calls. The onion
/// model's semantics are kept exactly (see ``SynchronousMiddleware``): every middleware's
/// `didRespond` sees the request as it passed it on. An unchanged request is passed by reference
/// all the way in and out, never copied; the changed ones are kept in the frame, without an
/// allocation, which bounds a run to ``capacity`` middlewares.
struct SynchronousMiddlewareRun: Sendable {
    /// The most middlewares one run holds; a longer sequence is split into several runs.
    static let capacity = 4

    /// Outermost first; 1 to ``capacity`` of them.
    let steps: [any SynchronousMiddleware]
    /// The rest of the chain.
    let inner: Responder
    let errors: ErrorResponder

    init(steps: [any SynchronousMiddleware], inner: @escaping Responder, errors: ErrorResponder) {
        precondition((1...Self.capacity).contains(steps.count), "a run holds 1 to \(Self.capacity) middlewares")
        self.steps = steps
        self.inner = inner
        self.errors = errors
    }

    /// Runs the `willRespond` hooks, the rest of the chain, then the `didRespond` hooks.
    /// - Parameter request: The request as the step outside this run passed it.
    /// - Returns: The response; every error is rendered.
    func respond(to request: Request) async -> Response {
        let start = ContinuousClock.now
        // Version 0 of the request is `request`; each step that changes it adds a version.
        var versions = RequestVersions()
        // Bit `k` is set when step `k` changed the request: the version step `k` received is the
        // number of bits set below `k`, the version it passed on the number up to `k`.
        var changedBy: UInt8 = 0
        var early: Response? = nil
        // How many steps passed the request on: their `didRespond` runs.
        var entered = 0
        while entered < self.steps.count {
            switch self.enter(entered, versions, changedBy.nonzeroBitCount, request) {
            case .pass:
                break
            case .passChanged(let changed):
                changedBy |= 1 << entered
                versions[changedBy.nonzeroBitCount] = changed
            case .answer(let response):
                early = response
            }
            if early != nil { break }
            entered += 1
        }
        var response: Response
        if let early {
            response = early
        } else if changedBy == 0 {
            response = await self.innerResponse(request)
        } else {
            response = await self.innerResponse(versions[changedBy.nonzeroBitCount])
        }
        while entered > 0 {
            entered -= 1
            let passedOn = (changedBy & UInt8(truncatingIfNeeded: (2 << entered) - 1)).nonzeroBitCount
            let received = (changedBy & UInt8(truncatingIfNeeded: (1 << entered) - 1)).nonzeroBitCount
            self.leave(entered, &response, start, versions, passedOn: passedOn, received: received, request)
        }
        return response
    }

    private func innerResponse(_ request: Request) async -> Response {
        do {
            return try await self.inner(request)
        } catch {
            return self.errors.response(for: error, to: request)
        }
    }

    /// Step `index`'s `willRespond`, given version `received` of the request; a thrown error
    /// becomes an answer, its rendering.
    @inline(never)
    private func enter(_ index: Int, _ versions: borrowing RequestVersions, _ received: Int, _ original: borrowing Request) -> MiddlewareDecision {
        versions.with(received, original: original) { request in
            do {
                return try self.steps[index].willRespond(to: request)
            } catch {
                return .answer(self.errors.response(for: error, to: request))
            }
        }
    }

    /// Step `index`'s `didRespond`, given the version of the request it passed on; a thrown error
    /// replaces the response with its rendering (for the version the step received).
    @inline(never)
    private func leave(
        _ index: Int,
        _ response: inout Response,
        _ start: ContinuousClock.Instant,
        _ versions: borrowing RequestVersions,
        passedOn: Int,
        received: Int,
        _ original: borrowing Request
    ) {
        do {
            try versions.with(passedOn, original: original) { request in
                try self.steps[index].didRespond(to: request, with: &response, startedAt: start)
            }
        } catch {
            response = versions.with(received, original: original) { request in self.errors.response(for: error, to: request) }
        }
    }
}

/// The changed versions of the request in a ``SynchronousMiddlewareRun`` (1 to `capacity`;
/// version 0 is the run's own request), held inline.
private struct RequestVersions {
    private var first: Request?
    private var second: Request?
    private var third: Request?
    private var fourth: Request?

    /// Version `index` (1 to 4); the getter copies it.
    subscript(index: Int) -> Request {
        get {
            switch index {
            case 1: self.first!
            case 2: self.second!
            case 3: self.third!
            default: self.fourth!
            }
        }
        set {
            switch index {
            case 1: self.first = newValue
            case 2: self.second = newValue
            case 3: self.third = newValue
            default: self.fourth = newValue
            }
        }
    }

    /// Calls `body` with version `index` of the request (0 is `original`), without copying it.
    func with<Result>(_ index: Int, original: borrowing Request, _ body: (borrowing Request) throws -> Result) rethrows -> Result {
        switch index {
        case 0: try body(original)
        case 1: try body(self.first!)
        case 2: try body(self.second!)
        case 3: try body(self.third!)
        default: try body(self.fourth!)
        }
    }
}
