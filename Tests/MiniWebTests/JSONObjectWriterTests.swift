import Foundation
import MiniWeb
import Testing

@Suite("JSONObjectWriter")
struct JSONObjectWriterTests {
    @Test("members in order, commas between them, nested objects, nil optionals left out")
    func layout() {
        var json = JSONObjectWriter()
        json.integer("code", 200)
        json.string("absent", nil as String?)
        json.object("user") { user in
            user.string("id", "o1")
            user.integer("gender", nil as Int?)
            user.object("empty") { _ in }
            user.strings("tags", ["a", "b"])
        }
        json.integer("last", -1)
        #expect(String(buffer: json.finish()) == #"{"code":200,"user":{"id":"o1","empty":{},"tags":["a","b"]},"last":-1}"#)
        #expect(String(buffer: JSONObjectWriter().finish()) == "{}")
    }

    @Test("escaped names and values after other members and inside arrays keep their separators")
    func escapingBetweenMembers() throws {
        var json = JSONObjectWriter()
        json.string("a", "plain")
        json.string("q\"uote", "line\nbreak")
        json.strings("tags", ["x", "back\\slash", "tab\t"])
        json.object("nested") { nested in
            nested.string("first", "\"")
            nested.integer("n", 7)
        }
        let text = String(buffer: json.finish())
        #expect(text == #"{"a":"plain","q\"uote":"line\u000abreak","tags":["x","back\\slash","tab\u0009"],"nested":{"first":"\"","n":7}}"#)
        let object = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["q\"uote"] as? String == "line\nbreak")
        #expect(object["tags"] as? [String] == ["x", "back\\slash", "tab\t"])
    }

    @Test(
        "strings are escaped so that they decode to themselves",
        arguments: ["plain", "quote \" backslash \\ slash /", "tab \t newline \n nul \u{0} \u{1F}", "你好 😀 e\u{301}", ""]
    )
    func escaping(value: String) throws {
        var json = JSONObjectWriter()
        json.string("k", value)
        let bytes = json.finish()
        let object = try #require(JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: String])
        #expect(object == ["k": value])
        #expect(!String(buffer: bytes).contains("\\/"))
    }

    @Test("a response carries the object as application/json")
    func response() {
        var json = JSONObjectWriter()
        json.string("status", "ok")
        let response = json.response(status: .created)
        #expect(response.status == .created)
        #expect(response.headers["content-type"] == "application/json; charset=utf-8")
        #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
    }
}
