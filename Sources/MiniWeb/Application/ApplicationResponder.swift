import Logging
import NIOCore
import NIOHTTP1

/// The application's whole request pipeline: routing, then the route's chain (the global
/// middleware included; see ``RouterResponder``), then the finishing touches every response gets.
struct ApplicationResponder: Sendable {
    private let table: RouterResponder
    private let errors: ErrorResponder

    init(router: Router, renderer: ErrorRenderer, logger: Logger) throws(RouterBuildError) {
        let errors = ErrorResponder(renderer: renderer, logger: logger)
        self.table = try RouterResponder(router: router, errors: errors)
        self.errors = errors
    }

    /// Answers a request: never throws, every failure is rendered. Inlined into the connection's
    /// loop: a frame of its own was one more task allocation per request.
    @inline(__always)
    func respond(to request: consuming Request) async -> Response {
        var response: Response
        // Routed in place: the request is not copied (a copy retains each of its references).
        let responder = self.table.route(&request)
        do {
            response = try await responder(request)
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
    /// Frames the response for HTTP/1.1: `Content-Length` for every body, no `Transfer-Encoding`
    /// (bodies are whole), and no body where HTTP forbids one (1xx, 204, 304, a 2xx answer to
    /// `CONNECT`); a response to `HEAD` keeps the `Content-Length` of its body but not the body.
    ///
    /// NIO's encoder would frame responses too, but it edits the head's header list after the
    /// server has handed it over, when the list is still shared, which copied the whole list on
    /// every response; the server turns that off (`HTTPServer.configureConnection`) and frames
    /// here (``Headers/remove(name:)`` leaves a list without the field as it is, uncopied).
    mutating func finish(for method: HTTPMethod?) {
        self.headers.remove(name: "transfer-encoding")
        if self.status.forbidsBody || (method == .connect && (200..<300).contains(self.status.code)) {
            self.body.clear()
            self.headers.remove(name: "content-length")
            return
        }
        self.headers["content-length"] = String(self.body.readableBytes)
        if method == .head {
            self.body.clear()
        }
    }
}
