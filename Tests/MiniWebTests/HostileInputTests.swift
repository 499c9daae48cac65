import Foundation
import MiniWeb
import MiniWebTesting
import Testing

/// Hostile and malformed input over real sockets: every case gets its documented answer and the
/// server keeps answering.
@Suite("Hostile input")
struct HostileInputTests {
    struct Person: Decodable {
        let name: String
        let age: Int
    }

    /// One case: raw bytes in, the expected status and error code out (`nil` status: the server
    /// closes without answering, e.g. for an idle connection that sent nothing).
    struct Case: CustomStringConvertible {
        let name: String
        let bytes: [UInt8]
        let status: Int?
        let code: String?
        var description: String { self.name }

        init(_ name: String, _ text: String, _ status: Int?, _ code: String? = nil) {
            self.name = name
            self.bytes = Array(text.utf8)
            self.status = status
            self.code = code
        }

        init(_ name: String, bytes: [UInt8], _ status: Int?, _ code: String? = nil) {
            self.name = name
            self.bytes = bytes
            self.status = status
            self.code = code
        }
    }

    static func request(_ line: String, headers: [String] = [], body: String = "") -> String {
        ([line] + ["Host: test"] + headers).joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    static let cases: [Case] = [
        // Request line
        // The parser reads a first word it does not know as an unknown method.
        Case("words that are not HTTP", "NOT A REQUEST\r\n\r\n", 501, "method_not_implemented"),
        Case("request line without a version", "GET /ok \r\n\r\n", 400, "malformed_request"),
        Case("HTTP/0.9 request", "GET /ok\r\n\r\n", 400, "malformed_request"),
        Case("unknown HTTP version", request("GET /ok HTTP/9.9"), 400, "malformed_request"),
        Case("unknown method", request("FROBNICATE /ok HTTP/1.1"), 501, "method_not_implemented"),
        Case("lowercase method", request("get /ok HTTP/1.1"), 501, "method_not_implemented"),
        Case("space in the target", request("GET /o k HTTP/1.1"), 400, "malformed_request"),
        Case("raw NUL in the target", request("GET /ok\u{0} HTTP/1.1"), 400, "malformed_request"),
        Case("target of 20 KB", request("GET /" + String(repeating: "a", count: 20_000) + " HTTP/1.1"), 431, "headers_too_large"),
        // Header fields
        Case("space in a header name", request("GET /ok HTTP/1.1", headers: ["Bad Header: x"]), 400, "malformed_request"),
        Case("control character in a header value", request("GET /ok HTTP/1.1", headers: ["X-Bad: a\u{01}b"]), 400, "malformed_request"),
        Case("header line without a colon", request("GET /ok HTTP/1.1", headers: ["NoColonHere"]), 400, "malformed_request"),
        Case("obsolete line folding", request("GET /ok HTTP/1.1", headers: ["X-Folded: a", " continued"]), 400, "malformed_request"),
        Case("a 100 KB header", request("GET /ok HTTP/1.1", headers: ["X-Big: " + String(repeating: "v", count: 100_000)]), 431, "headers_too_large"),
        Case("10,000 headers", request("GET /ok HTTP/1.1", headers: (0..<10_000).map { "X-H\($0): v" }), 431, "headers_too_large"),
        Case("Expect other than 100-continue", request("POST /echo HTTP/1.1", headers: ["Expect: 200-ok", "Content-Length: 2"], body: "hi"), 417, "expectation_failed"),
        // Message framing (request smuggling)
        Case(
            "Content-Length with Transfer-Encoding: chunked",
            request("POST /echo HTTP/1.1", headers: ["Content-Length: 4", "Transfer-Encoding: chunked"], body: "2\r\nhi\r\n0\r\n\r\n"),
            400, "malformed_request"
        ),
        Case("two different Content-Lengths", request("POST /echo HTTP/1.1", headers: ["Content-Length: 2", "Content-Length: 3"], body: "hi!"), 400, "malformed_request"),
        Case("negative Content-Length", request("POST /echo HTTP/1.1", headers: ["Content-Length: -1"]), 400, "malformed_request"),
        Case("non-numeric Content-Length", request("POST /echo HTTP/1.1", headers: ["Content-Length: abc"]), 400, "malformed_request"),
        Case("Content-Length with a plus sign", request("POST /echo HTTP/1.1", headers: ["Content-Length: +2"], body: "hi"), 400, "malformed_request"),
        Case("bad chunk size", request("POST /echo HTTP/1.1", headers: ["Transfer-Encoding: chunked"], body: "zz\r\nhi\r\n0\r\n\r\n"), 400, "malformed_request"),
        Case("chunk size overflow", request("POST /echo HTTP/1.1", headers: ["Transfer-Encoding: chunked"], body: "ffffffffffffffffffff\r\n"), 400, "malformed_request"),
        Case("unknown transfer coding", request("POST /echo HTTP/1.1", headers: ["Transfer-Encoding: gzip"], body: "hi"), 400, "malformed_request"),
        // Bodies
        Case("declared body over the limit", request("POST /echo HTTP/1.1", headers: ["Content-Length: 2000000"]), 413, "body_too_large"),
        Case(
            "chunked body growing over the limit",
            request("POST /echo HTTP/1.1", headers: ["Transfer-Encoding: chunked"], body: "100001\r\n" + String(repeating: "x", count: 1_048_577) + "\r\n0\r\n\r\n"),
            413, "body_too_large"
        ),
        Case("chunked body with extension and trailer", request("POST /echo HTTP/1.1", headers: ["Transfer-Encoding: chunked"], body: "2;ext=1\r\nhi\r\n0\r\nX-Trailer: t\r\n\r\n"), 200),
        Case("GET with a body", request("GET /ok HTTP/1.1", headers: ["Content-Length: 5"], body: "hello"), 200),
        // Paths and queries
        Case("dot-dot segments", request("GET /../../ok HTTP/1.1"), 200),
        Case("encoded dot-dot segments", request("GET /items/%2e%2e/%2e%2e/ok HTTP/1.1"), 200),
        Case("encoded slash stays in its segment", request("GET /items/a%2Fb HTTP/1.1"), 200),
        Case("encoded NUL in the path", request("GET /items/a%00b HTTP/1.1"), 400, "invalid_request_target"),
        Case("invalid UTF-8 in the path", request("GET /items/%FF%FE HTTP/1.1"), 400, "invalid_request_target"),
        Case("truncated escape in the path", request("GET /items/%4 HTTP/1.1"), 400, "invalid_request_target"),
        Case("invalid UTF-8 in the query", request("GET /ok?name=%C3%28 HTTP/1.1"), 400, "invalid_request_target"),
        Case("absolute-form target", request("GET http://example.com/ok HTTP/1.1"), 200),
        Case("unknown path", request("GET /nowhere HTTP/1.1"), 404, "not_found"),
        Case("known path, wrong method", request("DELETE /ok HTTP/1.1"), 405, "method_not_allowed"),
        // JSON bodies
        Case("JSON: not JSON", json("name=a&age=1"), 400, "invalid_json"),
        Case("JSON: empty body", request("POST /json HTTP/1.1", headers: ["Content-Type: application/json", "Content-Length: 0"]), 400, "body_required"),
        Case("JSON: wrong content type", request("POST /json HTTP/1.1", headers: ["Content-Type: text/plain", "Content-Length: 2"], body: "{}"), 415, "unsupported_media_type"),
        Case("JSON: nesting 10,000 deep", json(String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)), 400, "invalid_json"),
        Case("JSON: number too large", json(#"{"name":"a","age":1e400}"#), 400, "invalid_json"),
        Case("JSON: integer overflow", json(#"{"name":"a","age":99999999999999999999999}"#), 400, "invalid_json"),
        Case("JSON: wrong field type", json(#"{"name":"a","age":"old"}"#), 422, "invalid_body"),
        Case("JSON: missing field", json(#"{"name":"a"}"#), 422, "invalid_body"),
        Case("JSON: null field", json(#"{"name":null,"age":1}"#), 422, "invalid_body"),
        Case("JSON: extra fields", json(#"{"name":"a","age":1,"extra":[1,2,3]}"#), 200),
        Case("JSON: truncated", json(#"{"name":"a","age":"#), 400, "invalid_json"),
        Case("JSON: invalid UTF-8", bytes: jsonBytes(Array(#"{"name":""#.utf8) + [0xC3, 0x28] + Array(#"","age":1}"#.utf8)), 400, "invalid_json"),
        Case("JSON: a 900 KB string", json(#"{"name":""# + String(repeating: "n", count: 900_000) + #"","age":1}"#), 200),
    ]

    static func jsonBytes(_ body: [UInt8]) -> [UInt8] {
        Array("POST /json HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    static func json(_ body: String) -> String {
        request("POST /json HTTP/1.1", headers: ["Content-Type: application/json", "Content-Length: \(body.utf8.count)"], body: body)
    }

    static func makeApplication() throws -> Application {
        let router = Router()
        router.get("/ok") { _ in "ok" }
        router.post("/echo") { request in "received \(request.body.readableBytes)" }
        router.get("/items/:id") { request in try request.parameters.require("id") }
        router.post("/json") { request in "hello \(try request.decode(Person.self).name.count)" }
        return try Application(router: router, configuration: ServerConfiguration(maxHeaderSize: 16 * 1024, maxHeaderCount: 100))
    }

    @Test("each hostile request gets its documented answer, and the server keeps answering", arguments: Self.cases)
    func hostile(_ testCase: Case) async throws {
        try await Self.makeApplication().test(.live) { (client) async throws in
            let address = try #require(client.address)
            try await RawConnection.withConnection(to: address) { (connection) async throws in
                try await connection.send(testCase.bytes)
                if let status = testCase.status {
                    let response = try await connection.readResponse()
                    #expect(response.status.code == status, "\(testCase.name): \(response.text.prefix(200))")
                    if let code = testCase.code {
                        #expect(response.error?.error == code, "\(testCase.name)")
                    }
                    if status >= 400 && status != 404 && status != 405 {
                        // Refused requests close the connection after the answer.
                        #expect(try await connection.waitForClose(), "\(testCase.name): connection left open")
                    }
                } else {
                    #expect(try await connection.waitForClose())
                }
            }
            #expect(try await client.get("/ok").text == "ok", "\(testCase.name): the server stopped answering")
        }
    }

    @Test("1,000 pipelined requests in one write are all answered, in order")
    func thousandPipelined() async throws {
        try await Self.makeApplication().test(.live) { (client) async throws in
            let address = try #require(client.address)
            try await RawConnection.withConnection(to: address, deadline: .seconds(30)) { (connection) async throws in
                let requests = (0..<1000).map { "GET /items/\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined()
                try await connection.send(requests)
                for index in 0..<1000 {
                    #expect(try await connection.readResponse().text == String(index))
                }
            }
        }
    }

    @Test("a client that connects and goes away, or sends half a request and goes away, harms nothing")
    func abandonedConnections() async throws {
        try await Self.makeApplication().test(.live) { (client) async throws in
            let address = try #require(client.address)
            for partial in ["", "GET /ok HT", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nhal"] {
                try await RawConnection.withConnection(to: address) { (connection) async throws in
                    if !partial.isEmpty { try await connection.send(partial) }
                }
            }
            #expect(try await client.get("/ok").text == "ok")
        }
    }
}
