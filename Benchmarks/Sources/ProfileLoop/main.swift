// A plain loop over one hot path, for `perf record` / `valgrind --tool=callgrind` (the
// benchmark runner's own machinery would dominate a profile).
//   swift build -c release --product ProfileLoop && perf record -g .build/release/ProfileLoop decrypt 300000
// Modes: decrypt (decryption and parsing), bytes (decryption alone), middleware / synchronous-middleware
// (a request through ten pass-through middlewares of either kind, in-process).
import Foundation
import MiniWeb
import MiniWebWxLogin

struct PassThrough: Middleware {
    func handle(_ request: Request, next: Responder) async throws -> Response {
        try await next(request)
    }
}

struct SynchronousPassThrough: SynchronousMiddleware {}

func chainApplication(synchronous: Bool) throws -> Application {
    let router = Router()
    let middleware: [any Middleware] = Array(repeating: synchronous ? SynchronousPassThrough() : PassThrough(), count: 10)
    router.group("/mw", middleware: middleware).get("/plaintext") { _ in "Hello, World!" }
    return try Application(router: router)
}

let vectorData = WxOfficialDemoVector.encryptedData
let arguments = CommandLine.arguments
let iterations = arguments.count > 2 ? Int(arguments[2]) ?? 100_000 : 100_000
let crypto = WxDataCrypto(appID: WxOfficialDemoVector.appID)
let start = ContinuousClock.now
var checksum = 0
switch arguments.count > 1 ? arguments[1] : "decrypt" {
case "bytes":
    for _ in 0..<iterations {
        if case .success(let data) = WxDataCrypto.decrypt(encryptedData: vectorData, iv: WxOfficialDemoVector.iv, sessionKey: WxOfficialDemoVector.sessionKey) {
            checksum &+= data.count
        }
    }
case "middleware", "synchronous-middleware":
    let app = try chainApplication(synchronous: arguments[1] == "synchronous-middleware")
    for _ in 0..<iterations {
        checksum &+= Int(await app.respond(to: Request(method: .get, uri: "/mw/plaintext", id: "profile")).status.code)
    }
default:
    for _ in 0..<iterations {
        let user = try crypto.decrypt(WxUserInfo.self, encryptedData: vectorData, iv: WxOfficialDemoVector.iv, sessionKey: WxOfficialDemoVector.sessionKey)
        checksum &+= user.openId.utf8.count
    }
}
let elapsed = ContinuousClock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("\(iterations) in \(seconds) s: \(Int(Double(iterations) / seconds)) / s (checksum \(checksum))")
