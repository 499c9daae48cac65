// The MiniWeb side of the load benchmark: the same four routes as HummingbirdHello.
//   GET /plaintext, GET /json, GET /users/:id, GET /mw/plaintext (behind three trivial middlewares)
// Usage: MiniWebHello --port N
import Foundation
import Logging
import MiniWeb

struct Message: ResponseEncodable {
    let message: String
}

struct UserID: ResponseEncodable {
    let id: String
}

/// A middleware that does nothing but pass the request on (what the benchmark measures is the
/// cost of the chain itself).
struct PassThrough: Middleware {
    func handle(_ request: Request, next: Responder) async throws -> Response {
        try await next(request)
    }
}

// One event loop per CPU the process may run on (the load script pins it to one); see
// CPUAffinity's documentation.
CPUAffinity.sizeSharedEventLoopsToAllowedCPUs()
let arguments = CommandLine.arguments
let port = arguments.firstIndex(of: "--port").flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil } ?? 8080

let router = Router()
router.get("/plaintext") { _ in "Hello, World!" }
router.get("/json") { _ in Message(message: "Hello, World!") }
router.get("/users/:id") { request in UserID(id: try request.parameters.require("id")) }
router.group("/mw", middleware: [PassThrough(), PassThrough(), PassThrough()]).get("/plaintext") { _ in "Hello, World!" }

var logger = Logger(label: "MiniWebHello")
logger.logLevel = .warning
let app = try Application(router: router, configuration: ServerConfiguration(host: "127.0.0.1", port: port), logger: logger)
try await app.runService()
