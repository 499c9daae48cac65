import Logging
import MiniWeb
import MiniWebTesting
import Testing

struct LoginBody: Decodable {
    struct Profile: Decodable { let age: Int }
    let code: String
    let profile: Profile?
}

struct InternalFailure: Error, CustomStringConvertible {
    var description: String { "database password is hunter2" }
}

struct OutOfStock: HTTPErrorConvertible {
    var httpError: HTTPError { HTTPError(.conflict, code: "out_of_stock", message: "Sold out.") }
}

@Suite("Errors")
struct ErrorTests {
    @Test("HTTPError renders as the documented JSON shape, with its headers")
    func shape() async throws {
        let router = Router()
        router.get("/e") { _ -> String in
            throw HTTPError(.tooManyRequests, code: "rate_limited", message: "Slow down \"now\"\n", headers: ["retry-after": "3"])
        }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            let response = try await client.get("/e")
            #expect(response.status == .tooManyRequests)
            #expect(response.headers["content-type"] == "application/json; charset=utf-8")
            #expect(response.headers["retry-after"] == "3")
            #expect(response.text == #"{"code":429,"error":"rate_limited","msg":"Slow down \"now\"\n"}"#)
        }
    }

    @Test("default codes and messages come from the status")
    func defaults() {
        let error = HTTPError(.methodNotAllowed)
        #expect(error.code == "method_not_allowed")
        #expect(error.message == "Method Not Allowed")
        #expect(HTTPError(.contentTooLarge).code == "content_too_large")
        #expect(HTTPError(HTTPStatus(code: 599)).code == "http_599")
    }

    @Test("any other error is a generic 500 whose details are logged with the request id, never sent")
    func unexpectedError() async throws {
        let logs = LogCapture()
        let router = Router()
        router.get("/boom") { _ -> String in throw InternalFailure() }
        router.get("/stock") { _ -> String in throw OutOfStock() }
        let app = try Application(router: router, logger: logs.logger())
        try await app.test(.router) { (client) async throws in
            let response = try await client.execute(.get, "/boom", headers: ["x-request-id": "ignored-without-middleware"])
            #expect(response.status == .internalServerError)
            #expect(response.error == .init(code: 500, error: "internal_error", msg: "Internal Server Error"))
            #expect(!response.text.contains("hunter2"))
            #expect(try await client.get("/stock").error?.error == "out_of_stock")
        }
        let errorEntry = try #require(logs.entries.first { $0.level == .error })
        #expect(errorEntry.metadata["error"]?.contains("hunter2") == true)
        #expect(errorEntry.metadata["request_id"]?.isEmpty == false)
        #expect(errorEntry.metadata["path"] == "/boom")
    }

    @Test("a custom renderer changes every error body in one place")
    func customRenderer() async throws {
        let router = Router()
        router.get("/e") { _ -> String in throw HTTPError(.badRequest, code: "nope") }
        let renderer = ErrorRenderer { error in Response.text("\(error.status.code):\(error.code)", status: error.status) }
        let app = try Application(router: router, errorRenderer: renderer)
        try await app.test(.router) { (client) async throws in
            #expect(try await client.get("/e").text == "400:nope")
            #expect(try await client.get("/missing").text == "404:not_found")
        }
        try await app.test(.live) { (client) async throws in
            let address = try #require(client.address)
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n")
                #expect(try await connection.readResponse().text == "413:body_too_large")
            }
        }
    }

    @Test("body decoding: malformed JSON is 400, wrong fields are 422 naming the field, wrong type is 415")
    func decoding() async throws {
        let router = Router()
        router.post("/login") { request in try request.decode(LoginBody.self).code }
        let app = try Application(router: router)
        try await app.test(.router) { (client) async throws in
            func post(_ body: String, contentType: String = "application/json") async throws -> TestResponse {
                try await client.post("/login", headers: ["content-type": contentType], body: ByteBuffer(string: body))
            }
            #expect(try await post(#"{"code":"abc"}"#).text == "abc")
            #expect(try await post(#"{"code":"abc"}"#, contentType: "application/json; charset=utf-8").text == "abc")

            let malformed = try await post(#"{"code":"#)
            #expect(malformed.status == .badRequest)
            #expect(malformed.error?.error == "invalid_json")

            let empty = try await post("")
            #expect(empty.status == .badRequest)
            #expect(empty.error?.error == "body_required")

            let missing = try await post(#"{"other":1}"#)
            #expect(missing.status == .unprocessableContent)
            #expect(missing.error == .init(code: 422, error: "invalid_body", msg: "The field 'code' is required."))

            let wrongType = try await post(#"{"code":"a","profile":{"age":"old"}}"#)
            #expect(wrongType.status == .unprocessableContent)
            #expect(wrongType.error?.msg == "The field 'profile.age' must be of type Int.")

            let notJSON = try await post("code=abc", contentType: "application/x-www-form-urlencoded")
            #expect(notJSON.status == .unsupportedMediaType)
        }
    }
}
