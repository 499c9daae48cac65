// The Hummingbird 2 side of the load benchmark: the same four routes as MiniWebHello.
// Usage: HummingbirdHello --port N
import Foundation
import Hummingbird
import Logging

struct Message: ResponseEncodable {
    let message: String
}

struct UserID: ResponseEncodable {
    let id: String
}

struct PassThrough<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await next(request, context)
    }
}

let arguments = CommandLine.arguments
let port = arguments.firstIndex(of: "--port").flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil } ?? 8080

let router = Router()
router.get("plaintext") { _, _ in "Hello, World!" }
router.get("json") { _, _ in Message(message: "Hello, World!") }
router.get("users/:id") { _, context in UserID(id: try context.parameters.require("id")) }
router.group("mw")
    .add(middleware: PassThrough())
    .add(middleware: PassThrough())
    .add(middleware: PassThrough())
    .get("plaintext") { _, _ in "Hello, World!" }

var logger = Logger(label: "HummingbirdHello")
logger.logLevel = .warning
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
try await app.runService()
