import Logging
import MiniWeb

/// The routes SampleApp serves.
enum SampleRoutes {
    /// `GET /healthz` → `{"status":"ok"}`.
    struct Health: ResponseEncodable {
        let status: String
    }

    static func makeRouter(logger: Logger) -> Router {
        let router = Router()
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: RequestLoggingMiddleware(logger: logger))
        router.add(middleware: CompressionMiddleware())

        router.get("/healthz") { _ in Health(status: "ok") }

        let user = router.group("/user")
        user.post("/wxlogin") { _ -> Response in
            throw HTTPError(.notImplemented, code: "not_implemented", message: "WeChat login is not implemented yet.")
        }
        return router
    }
}
