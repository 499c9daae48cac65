import Logging
import NIOCore
import NIOHTTP1

/// The application's whole request pipeline: the global middleware around the routing table,
/// then the finishing touches every response gets.
struct ApplicationResponder: Sendable {
    private let chain: Responder
    private let errors: ErrorResponder

    init(router: Router, renderer: ErrorRenderer, logger: Logger) throws(RouterBuildError) {
        let errors = ErrorResponder(renderer: renderer, logger: logger)
        let table = try RouterResponder(router: router, errors: errors)
        self.chain = MiddlewareChain.compose(router.globalMiddleware, around: table.respond(to:), errors: errors)
        self.errors = errors
    }

    /// Answers a request: never throws, every failure is rendered.
    func respond(to request: Request) async -> Response {
        var response: Response
        do {
            response = try await self.chain(request)
        } catch {
            response = self.errors.response(for: error, to: request)
        }
        response.finish(for: request.method)
        return response
    }

    /// Renders an error the server found before a request could be routed (400, 408, 413, 431).
    func respond(to error: HTTPError) -> Response {
        var response = self.errors.renderer.render(error)
        response.finish(for: nil)
        return response
    }
}

extension Response {
    /// Sets `Content-Length` and drops the body where HTTP requires (HEAD, 1xx, 204, 304).
    mutating func finish(for method: HTTPMethod?) {
        if self.status.forbidsBody {
            self.body.clear()
            if self.status.code != 304 { self.headers.remove(name: "content-length") }
            return
        }
        self.headers["content-length"] = String(self.body.readableBytes)
        if method == .head {
            self.body.clear()
        }
    }
}
