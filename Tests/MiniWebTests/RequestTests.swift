@testable import MiniWeb
import MiniWebTesting
import Testing

@Suite("Request")
struct RequestTests {
    @Test("query parameters are form-decoded, in order, with repeated names")
    func query() {
        let request = Request(method: .get, uri: "/search?q=a+b%2Bc&tag=x&tag=y&empty=&flag&%E4%BD%A0=%E5%A5%BD")
        #expect(request.path == "/search")
        #expect(request.query["q"] == "a b+c")
        #expect(request.query.values(for: "tag") == ["x", "y"])
        #expect(request.query["empty"] == "")
        #expect(request.query["flag"] == "")
        #expect(request.query["你"] == "好")
        #expect(request.query["missing"] == nil)
    }

    @Test("required query parameters: missing and unconvertible values are 400s")
    func requiredQuery() throws {
        let request = Request(method: .get, uri: "/?page=3&size=big")
        #expect(try request.query.require("page", as: Int.self) == 3)
        #expect(throws: HTTPError.self) { try request.query.require("size", as: Int.self) }
        do {
            _ = try request.query.require("absent")
            Issue.record("expected an error")
        } catch {
            #expect(error.status == .badRequest)
            #expect(error.code == "query_parameter_missing")
        }
    }

    @Test("an invalid query escape makes the request a 400")
    func invalidQuery() async throws {
        let router = Router()
        router.get("/q") { request in request.query["a"] ?? "" }
        try await Application(router: router).test(.router) { (client) async throws in
            #expect(try await client.get("/q?a=%41").text == "A")
            #expect(try await client.get("/q?a=%4").status == .badRequest)
            #expect(try await client.get("/q?a=%FF").status == .badRequest)
        }
    }

    @Test("absolute-form targets are routed by their path")
    func absoluteForm() {
        let request = Request(method: .get, uri: "http://example.com:8080/a/b?x=1")
        #expect(request.path == "/a/b")
        #expect(request.pathComponents == ["a", "b"])
        #expect(request.query["x"] == "1")
    }

    @Test("paths split on every slash byte: empty, . and .. segments resolved, escapes decoded, fragments dropped")
    func pathSegments() {
        #expect(Request(method: .get, uri: "/").pathComponents == [])
        #expect(Request(method: .get, uri: "//a///b/").pathComponents == ["a", "b"])
        #expect(Request(method: .get, uri: "/a/./b/../c").pathComponents == ["a", "c"])
        #expect(Request(method: .get, uri: "/../../a").pathComponents == ["a"])
        #expect(Request(method: .get, uri: "/files/a%20b/%E4%BD%A0?x=1#frag").pathComponents == ["files", "a b", "你"])
        // A combining mark after a slash makes one `Character` with it; the split is by bytes.
        #expect(Request(method: .get, uri: "/a/\u{301}b").pathComponents == ["a", "\u{301}b"])
        #expect(Request(method: .get, uri: "/a#/b").path == "/a")
        #expect(Request(method: .get, uri: "/%2e%2e/x").pathComponents == ["x"])
        #expect(Request(method: .get, uri: "/a/%2e/b").pathComponents == ["a", "b"])
        // Only `.` and `..` are dot segments: longer runs and dotted names are names.
        #expect(Request(method: .get, uri: "/a/.../.b/b./..c").pathComponents == ["a", "...", ".b", "b.", "..c"])
        #expect(!Request(method: .get, uri: "/a%00b").hasValidTarget)
        #expect(!Request(method: .get, uri: "relative/path").hasValidTarget)
        #expect(Request(method: .get, uri: "*").hasValidTarget)
    }

    @Test("headers compare case-insensitively and keep repeated fields")
    func headers() {
        var headers: Headers = ["Content-Type": "text/plain", "X-Multi": "1"]
        headers.add(name: "x-multi", value: "2")
        #expect(headers["content-type"] == "text/plain")
        #expect(headers.values(for: "X-MULTI") == ["1", "2"])
        headers["x-multi"] = "3"
        #expect(headers.values(for: "x-multi") == ["3"])
        headers["x-multi"] = nil
        #expect(!headers.contains("x-multi"))
        headers.add(name: "Connection", value: "Keep-Alive, Upgrade")
        headers.add(name: "connection", value: " close ")
        #expect(headers.tokens(for: "CONNECTION") == ["keep-alive", "upgrade", "close"])
    }

    @Test("form bodies decode into fields; bad encoding is a 400")
    func formBody() throws {
        let request = Request(method: .post, uri: "/", body: ByteBuffer(string: "code=0a1B&encryptedData=ab%2Bc%3D%3D"))
        let fields = try request.formFields()
        #expect(fields["code"] == "0a1B")
        #expect(fields["encryptedData"] == "ab+c==")
        let bad = Request(method: .post, uri: "/", body: ByteBuffer(string: "a=%ZZ"))
        #expect(throws: HTTPError.self) { try bad.formFields() }
    }

    @Test("response constructors set the content type")
    func responses() throws {
        struct Payload: Encodable { let n: Int }
        #expect(Response.text("hi").headers["content-type"] == "text/plain; charset=utf-8")
        let json = try Response.json(Payload(n: 1), status: .created)
        #expect(json.status == .created)
        #expect(json.headers["content-type"] == "application/json; charset=utf-8")
        #expect(String(buffer: json.body) == #"{"n":1}"#)
        #expect(Response.empty().status == .noContent)
    }

    @Test("request storage: values by key type, replaced, removed, independent per key")
    func storage() {
        enum First: RequestStorageKey { typealias Value = String }
        enum Second: RequestStorageKey { typealias Value = Int }
        var storage = RequestStorage()
        #expect(storage[First.self] == nil)
        #expect(!storage.contains(First.self))
        storage[First.self] = "one"
        storage[Second.self] = 2
        #expect(storage[First.self] == "one")
        #expect(storage[Second.self] == 2)
        storage[First.self] = "uno"
        #expect(storage[First.self] == "uno")
        #expect(storage[Second.self] == 2)
        storage[First.self] = nil
        #expect(!storage.contains(First.self))
        #expect(storage[First.self] == nil)
        #expect(storage[Second.self] == 2)
        storage[First.self] = nil
        #expect(storage.contains(Second.self))
        // The first value stored is held apart from the others: removing it keeps the rest.
        enum Third: RequestStorageKey { typealias Value = Double }
        storage[First.self] = "one"
        storage[Third.self] = 3.0
        storage[Second.self] = nil
        #expect(storage[First.self] == "one" && storage[Third.self] == 3.0 && storage[Second.self] == nil)
        storage[Second.self] = 2
        storage[First.self] = nil
        #expect(storage[First.self] == nil && !storage.contains(First.self))
        #expect(storage[Third.self] == 3.0 && storage[Second.self] == 2)
        storage[Third.self] = nil
        #expect(storage[Third.self] == nil && storage[Second.self] == 2 && storage.contains(Second.self))
        storage[First.self] = "again"
        #expect(storage[First.self] == "again" && storage[Second.self] == 2)
        storage[First.self] = nil
        // A copy is a value: changing it leaves the original alone.
        var copy = storage
        copy[Second.self] = 3
        #expect(storage[Second.self] == 2)
        #expect(copy[Second.self] == 3)
    }

    /// A class value is kept as a plain reference by the key's own subscript and as an
    /// existential by a generic caller's; each reads what the other stored.
    @Test("request storage: class values, stored and read through either subscript")
    func storageOfClassValues() {
        final class Session: Sendable {
            let id: String
            init(id: String) { self.id = id }
        }
        enum SessionKey: RequestStorageKey { typealias Value = Session }
        enum Name: RequestStorageKey { typealias Value = String }
        func genericSet<Key: RequestStorageKey>(_ storage: inout RequestStorage, _ key: Key.Type, _ value: Key.Value?) {
            storage[key] = value
        }
        func genericGet<Key: RequestStorageKey>(_ storage: RequestStorage, _ key: Key.Type) -> Key.Value? {
            storage[key]
        }
        var storage = RequestStorage()
        let first = Session(id: "first")
        storage[Name.self] = "name"
        storage[SessionKey.self] = first
        #expect(storage[SessionKey.self] === first)
        #expect(genericGet(storage, SessionKey.self) === first)
        let second = Session(id: "second")
        genericSet(&storage, SessionKey.self, second)
        #expect(storage[SessionKey.self] === second)
        #expect(genericGet(storage, SessionKey.self)?.id == "second")
        #expect(storage[Name.self] == "name")
        storage[SessionKey.self] = nil
        #expect(storage[SessionKey.self] == nil && !storage.contains(SessionKey.self))
        genericSet(&storage, SessionKey.self, first)
        #expect(storage.contains(SessionKey.self) && storage[SessionKey.self]?.id == "first")
        genericSet(&storage, SessionKey.self, nil)
        #expect(genericGet(storage, SessionKey.self) == nil && storage[Name.self] == "name")
    }
}
