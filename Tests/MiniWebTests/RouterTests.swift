import MiniWeb
import MiniWebTesting
import Testing

@Suite("Router")
struct RouterTests {
    /// Each route answers with its own template, so a test sees which one matched.
    static func echoRouter(_ paths: [String], method: HTTPMethod = .get) -> Router {
        let router = Router()
        for path in paths {
            router.on(method, path) { request in "\(path)|\(request.parameters.all.map { "\($0.name)=\($0.value)" }.joined(separator: ","))" }
        }
        return router
    }

    @Test("constants win over parameters, parameters over *, * over **")
    func precedence() async throws {
        let router = Self.echoRouter(["/a/b", "/a/:x", "/a/*", "/a/**"])
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            #expect(try await client.get("/a/b").text == "/a/b|")
            #expect(try await client.get("/a/c").text == "/a/:x|x=c")
            #expect(try await client.get("/a/c/d").text == "/a/**|")
        }
    }

    @Test("a wildcard matches where no parameter route continues")
    func wildcardAfterParameterFails() async throws {
        let router = Router()
        router.get("/a/:x/b") { request in "param \(try request.parameters.require("x"))" }
        router.get("/a/*/c") { request in "wild \(request.parameters.wildcards.joined())" }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            #expect(try await client.get("/a/1/b").text == "param 1")
            #expect(try await client.get("/a/2/c").text == "wild 2")
        }
    }

    @Test("the search backtracks from a constant branch to a parameter branch")
    func backtracking() async throws {
        let router = Self.echoRouter(["/a/b/c", "/a/:x/d"])
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            #expect(try await client.get("/a/b/c").text == "/a/b/c|")
            #expect(try await client.get("/a/b/d").text == "/a/:x/d|x=b")
        }
    }

    @Test("** captures the rest of the path, one segment or more")
    func catchAll() async throws {
        let router = Router()
        router.get("/static/**") { request in request.parameters.catchAll.joined(separator: "/") }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            #expect(try await client.get("/static/css/site.css").text == "css/site.css")
            #expect(try await client.get("/static").status == .notFound)
        }
    }

    @Test("parameters are percent-decoded; an encoded slash stays inside its segment")
    func percentDecoding() async throws {
        let router = Router()
        router.get("/files/:name") { request in try request.parameters.require("name") }
        router.get("/caf\u{E9}") { _ in "accented" }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            #expect(try await client.get("/files/a%20b").text == "a b")
            #expect(try await client.get("/files/a%2Fb").text == "a/b")
            #expect(try await client.get("/files/%E4%BD%A0%E5%A5%BD").text == "你好")
            #expect(try await client.get("/caf%C3%A9").text == "accented")
            let invalid = try await client.get("/files/%E4%BD")
            #expect(invalid.status == .badRequest)
            #expect(invalid.error?.error == "invalid_request_target")
            #expect(try await client.get("/files/%zz").status == .badRequest)
            #expect(try await client.get("/files/a%00b").status == .badRequest)
        }
    }

    @Test("trailing slashes, empty segments and dot segments do not change the route")
    func pathNormalisation() async throws {
        let router = Self.echoRouter(["/users", "/users/:id"])
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            #expect(try await client.get("/users/").text == "/users|")
            #expect(try await client.get("//users//7/").text == "/users/:id|id=7")
            #expect(try await client.get("/users/7/../8").text == "/users/:id|id=8")
            #expect(try await client.get("/users/./9").text == "/users/:id|id=9")
            #expect(try await client.get("/users?x=1").text == "/users|")
        }
    }

    @Test("404 for an unknown path, 405 with Allow for a known path and another method")
    func notFoundAndMethodNotAllowed() async throws {
        let router = Router()
        router.get("/items/:id") { _ in "get" }
        router.delete("/items/:id") { _ in "delete" }
        router.post("/items/new") { _ in "post" }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            let missing = try await client.get("/nothing")
            #expect(missing.status == .notFound)
            #expect(missing.error?.error == "not_found")
            #expect(!missing.headers.contains("allow"))

            let wrongMethod = try await client.execute(.put, "/items/3")
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers["allow"] == "GET, HEAD, DELETE")
            #expect(wrongMethod.error?.error == "method_not_allowed")

            // /items/new matches both the constant POST route and the parametrised GET/DELETE
            // routes: a GET falls through to the parameter route, a PUT lists every method.
            #expect(try await client.get("/items/new").text == "get")
            #expect(try await client.execute(.put, "/items/new").headers["allow"] == "GET, HEAD, POST, DELETE")
        }
    }

    @Test("HEAD is answered by the GET route without a body but with its Content-Length")
    func headFromGet() async throws {
        let router = Router()
        router.get("/hello") { _ in "hello world" }
        router.get("/custom") { _ in "from get" }
        router.head("/custom") { _ in Response(status: .ok, headers: ["x-head": "1"]) }
        let app = try Application(router: router)
        for mode in [TestingMode.router, .live] {
            try await app.test(mode) { (client) async throws in
                let head = try await client.execute(.head, "/hello")
                #expect(head.status == .ok)
                #expect(head.body.readableBytes == 0)
                #expect(head.headers["content-length"] == "11")
                #expect(try await client.execute(.head, "/custom").headers["x-head"] == "1")
            }
        }
    }

    @Test("groups prefix their routes and nest")
    func groups() async throws {
        let router = Router()
        let api = router.group("/api")
        let v1 = api.group("v1/")
        v1.get("/users/:id") { request in "v1 user \(try request.parameters.require("id"))" }
        api.get("status") { _ in "ok" }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            #expect(try await client.get("/api/v1/users/5").text == "v1 user 5")
            #expect(try await client.get("/api/status").text == "ok")
            #expect(try await client.get("/v1/users/5").status == .notFound)
        }
    }

    @Test("the route template is recorded on the request")
    func routeTemplate() async throws {
        let router = Router()
        router.get("/users/:id") { request in request.route ?? "none" }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            #expect(try await client.get("/users/42").text == "/users/:id")
        }
    }

    @Test("conflicting and malformed registrations are all reported when the application is built")
    func buildErrors() throws {
        let router = Router()
        router.get("/users/:id") { _ in "a" }
        router.get("/users/:name") { _ in "b" }
        router.get("/users/:id") { _ in "c" }
        router.post("/users/:id") { _ in "fine: another method" }
        router.get("/files/**/x") { _ in "d" }
        router.get("/a/:x/:x") { _ in "e" }
        router.get("/b/:") { _ in "f" }
        router.on("BAD METHOD", "/c") { _ in "g" }
        let error = #expect(throws: RouterBuildError.self) { try Application(router: router) }
        let problems = error?.problems ?? []
        #expect(problems.count == 6)
        #expect(problems.contains("GET /users/:name conflicts with GET /users/:id: they match the same paths"))
        #expect(problems.contains("GET /users/:id is registered twice"))
        #expect(problems.contains("GET /files/**/x: '**' must be the last segment"))
        #expect(problems.contains("GET /a/:x/:x: the parameter ':x' appears twice"))
        #expect(problems.contains("GET /b/:: a ':' parameter needs a name"))
        #expect(problems.contains("BAD METHOD /c: 'BAD METHOD' is not a valid method token"))
    }

    @Test("typed parameters: a value that does not convert is a 400")
    func typedParameters() async throws {
        let router = Router()
        router.get("/n/:value") { request in String(try request.parameters.require("value", as: Int.self) * 2) }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            #expect(try await client.get("/n/21").text == "42")
            let bad = try await client.get("/n/abc")
            #expect(bad.status == .badRequest)
            #expect(bad.error?.error == "route_parameter_invalid")
        }
    }
}
