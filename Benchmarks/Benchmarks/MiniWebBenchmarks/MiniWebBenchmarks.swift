import Benchmark
import Foundation
import MiniWeb
import MiniWebWxLogin

/// A route table of 200 routes shaped like a real API: constants, parameters and catch-alls.
func makeRouter(middlewareCount: Int = 0, synchronous: Bool = false) -> Router {
    let router = Router()
    for index in 0..<50 {
        router.get("/api/v1/resource\(index)") { _ in "list" }
        router.get("/api/v1/resource\(index)/:id") { request in try request.parameters.require("id") }
        router.post("/api/v1/resource\(index)/:id/items") { _ in "created" }
        router.get("/static\(index)/**") { _ in "file" }
    }
    router.get("/plaintext") { _ in "Hello, World!" }
    let middleware: [any Middleware] = Array(repeating: synchronous ? SynchronousPassThrough() : PassThrough(), count: middlewareCount)
    let group = router.group("/mw", middleware: middleware)
    group.get("/plaintext") { _ in "Hello, World!" }
    return router
}

struct PassThrough: Middleware {
    func handle(_ request: Request, next: Responder) async throws -> Response {
        try await next(request)
    }
}

/// The same, as a ``SynchronousMiddleware``: consecutive ones share one asynchronous step.
struct SynchronousPassThrough: SynchronousMiddleware {}

struct UserRecord: Encodable {
    let openId: String
    let unionId: String?
    let nickName: String
    let avatarUrl: String
    let gender: Int
    let city: String
    let province: String
    let country: String
    let language: String
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000
    )

    // Routing through the whole application (request → router → handler → response), in-process.
    let app = try! Application(router: makeRouter())
    for (name, uri) in [
        ("static", "/api/v1/resource37"), ("parametrised", "/api/v1/resource37/12345"),
        ("catch-all", "/static12/css/site.css"), ("404", "/api/v2/nothing/here"),
    ] {
        Benchmark("Route lookup, 200 routes: \(name)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(await app.respond(to: Request(method: .get, uri: uri, id: "bench")))
            }
        }
    }

    for (count, synchronous) in [(0, false), (3, false), (10, false), (3, true), (10, true)] {
        let app = try! Application(router: makeRouter(middlewareCount: count, synchronous: synchronous))
        Benchmark("Middleware chain: \(count) \(synchronous ? "synchronous " : "")middlewares") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(await app.respond(to: Request(method: .get, uri: "/mw/plaintext", id: "bench")))
            }
        }
    }

    Benchmark("Request parsing: target with query and percent-encoding") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Request(method: .get, uri: "/api/v1/search/%E4%BD%A0%E5%A5%BD?q=a+b&page=2&sort=desc", id: "bench"))
        }
    }

    let signer = Task { await LoginTokenSigner(keys: [.derived(fromSecret: "benchmark signing secret, 32+ chars")], audience: "wxbench") }
    Benchmark("Login token: sign") { benchmark in
        let signer = await signer.value
        for _ in benchmark.scaledIterations {
            blackHole(try await signer.issue(userID: "42", openID: "oGZUI0egBJY1zhBYw2KhdUfwVJJE", unionID: nil))
        }
    }
    Benchmark("Login token: verify") { benchmark in
        let signer = await signer.value
        let token = try await signer.issue(userID: "42", openID: "oGZUI0egBJY1zhBYw2KhdUfwVJJE", unionID: nil).token
        for _ in benchmark.scaledIterations {
            blackHole(try await signer.verify(token))
        }
    }

    let record = UserRecord(
        openId: "oGZUI0egBJY1zhBYw2KhdUfwVJJE", unionId: "ocMvos6NjeKLIBqg5Mr9QjxrP1FA", nickName: "Band",
        avatarUrl: "http://wx.qlogo.cn/mmopen/vi_32/aSKcBBPpibyKNicHNTMM0qJVh8Kjgiak2AHWr8MHM4WgMEm7GFhsf8OYrySdbvAMvTsw3mo8ibKicsnfN5pRjl1p8HQ/0",
        gender: 1, city: "Guangzhou", province: "Guangdong", country: "CN", language: "zh_CN"
    )
    Benchmark("JSON encoding of a user record") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Response.json(record))
        }
    }
    // The same members written by hand, as SampleApp's login and /user/me answers are.
    Benchmark("JSON writing of a user record (JSONObjectWriter)") { benchmark in
        for _ in benchmark.scaledIterations {
            var json = JSONObjectWriter()
            json.integer("code", 200)
            json.object("userinfo") { user in
                user.string("openId", record.openId)
                user.string("unionId", record.unionId)
                user.string("nickName", record.nickName)
                user.string("avatarUrl", record.avatarUrl)
                user.integer("gender", record.gender)
                user.string("city", record.city)
                user.string("province", record.province)
                user.string("country", record.country)
                user.string("language", record.language)
            }
            blackHole(json.response())
        }
    }
}
