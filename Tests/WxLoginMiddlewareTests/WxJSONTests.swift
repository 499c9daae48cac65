import Foundation
import Testing

@testable import MiniWebWxLogin

/// The fast JSON path must accept and refuse what `JSONDecoder` does.
@Suite("Open-data JSON fast path")
struct WxJSONTests {
    static let watermark = #""watermark":{"appid":"wx1","timestamp":1477314187}"#

    /// Inputs both decoders must accept, with the value expected.
    static let valid: [(String, WxUserInfo)] = [
        (#"{"openId":"o1",\#(watermark)}"#, WxUserInfo(openId: "o1", watermark: WxWatermark(appid: "wx1", timestamp: 1_477_314_187))),
        (
            " {\n\t\"openId\" : \"o\\u4e2d\\ud83d\\ude00\\n\\/\\\"\" , \"gender\" : 0, \"nickName\": null, \(watermark) } ",
            WxUserInfo(openId: "o中😀\n/\"", gender: 0, watermark: WxWatermark(appid: "wx1", timestamp: 1_477_314_187))
        ),
        (
            #"{"openId":"b","gender":2,"extra":[1,2.5,-3e-2,true,false,null,{"x":[]}],\#(watermark)}"#,
            WxUserInfo(openId: "b", gender: 2, watermark: WxWatermark(appid: "wx1", timestamp: 1_477_314_187))
        ),
        (#"{"openId":"名字","nickName":"","city":"广州",\#(watermark)}"#, WxUserInfo(openId: "名字", nickName: "", city: "广州", watermark: WxWatermark(appid: "wx1", timestamp: 1_477_314_187))),
    ]

    /// Inputs both decoders must refuse.
    static let invalid: [String] = [
        "", " ", "null", "[]", "\"text\"", "{", "}", #"{"openId":"o1"}"#,
        #"{"openId":"o1",\#(watermark)} x"#, #"{"openId":'o1',\#(watermark)}"#,
        #"{"openId":"o1","gender":01,\#(watermark)}"#, #"{"openId":"o1","gender":1.,\#(watermark)}"#,
        #"{"openId":"o1","gender":.5,\#(watermark)}"#, #"{"openId":"o1","gender":1.5,\#(watermark)}"#,
        #"{"openId":"o1","gender":"1",\#(watermark)}"#, #"{"openId":1,\#(watermark)}"#,
        #"{"openId":"o1","gender":NaN,\#(watermark)}"#, #"{"openId":"o1","gender":1e999,\#(watermark)}"#,
        "{\"openId\":\"o\u{01}\",\(watermark)}", #"{"openId":"\ud800",\#(watermark)}"#, #"{"openId":"\udc00x",\#(watermark)}"#,
        #"{"openId":"\x41",\#(watermark)}"#, #"{"openId":"\u12G4",\#(watermark)}"#, #"{"openId":"unterminated,\#(watermark)}"#,
        #"{"openId":"o1",/* comment */\#(watermark)}"#, #"{"openId":"o1","watermark":{"appid":"wx1"}}"#,
        #"{"openId":"o1","watermark":{"appid":"wx1","timestamp":"1"}}"#, #"{"openId":"o1","watermark":[]}"#,
        #"{"openId":"o1","x":tru,\#(watermark)}"#,
        "{\"openId\":\"o1\",\"x\":" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + ",\(watermark)}",
    ]

    @Test("valid inputs decode to the same value both ways")
    func validInputs() throws {
        for (json, expected) in Self.valid {
            let data = Data(json.utf8)
            guard case .object(let object) = try WxJSON.parse(data) else {
                Issue.record("not an object: \(json)")
                continue
            }
            #expect(try WxUserInfo(wxJSON: object) == expected, "\(json)")
            #expect(try JSONDecoder().decode(WxUserInfo.self, from: data) == expected, "\(json)")
        }
    }

    @Test("invalid inputs are refused both ways")
    func invalidInputs() {
        for json in Self.invalid {
            let data = Data(json.utf8)
            let fast: WxUserInfo? = {
                guard case .object(let object)? = try? WxJSON.parse(data) else { return nil }
                return try? WxUserInfo(wxJSON: object)
            }()
            #expect(fast == nil, "fast path accepted \(json.debugDescription)")
            if json.contains("[[[[") { continue }  // JSONDecoder accepts deep nesting; the fast path caps it at 32 levels
            #expect((try? JSONDecoder().decode(WxUserInfo.self, from: data)) == nil, "JSONDecoder accepted \(json.debugDescription)")
        }
    }

    /// RFC 8259 forbids trailing commas and leaves duplicate names undefined; Foundation's
    /// decoder tolerates both, the fast path refuses them.
    @Test("the fast path is stricter than JSONDecoder: trailing commas and duplicate names are refused")
    func stricterThanFoundation() {
        for json in [
            #"{"openId":"o1",\#(Self.watermark),}"#, #"{"openId":"o1","x":[1,],\#(Self.watermark)}"#,
            #"{"openId":"a","openId":"b",\#(Self.watermark)}"#,
        ] {
            #expect(throws: WxJSONError.self, "\(json)") { try WxJSON.parse(Data(json.utf8)) }
        }
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        var bytes = Array(#"{"openId":"o"#.utf8)
        bytes += [0xC3, 0x28]
        bytes += Array(#"",\#(Self.watermark)}"#.utf8)
        #expect(throws: WxJSONError.self) { try WxJSON.parse(Data(bytes)) }
    }

    @Test("the other payloads' fast paths")
    func otherPayloads() throws {
        func object(_ json: String) throws -> WxJSONObject {
            guard case .object(let object) = try WxJSON.parse(Data(json.utf8)) else { throw WxJSONError() }
            return object
        }
        let phone = try WxPhoneNumber(wxJSON: object(#"{"phoneNumber":"+85212345678","purePhoneNumber":"12345678","countryCode":852,\#(Self.watermark)}"#))
        #expect(phone.countryCode == "852")
        #expect(try WxPhoneNumber(wxJSON: object(#"{"phoneNumber":"1","purePhoneNumber":"1","countryCode":"86",\#(Self.watermark)}"#)).countryCode == "86")
        #expect(throws: WxJSONError.self) { try WxPhoneNumber(wxJSON: object(#"{"phoneNumber":"1","purePhoneNumber":"1",\#(Self.watermark)}"#)) }
        #expect(try WxShareInfo(wxJSON: object(#"{"openGId":"G",\#(Self.watermark)}"#)).openGId == "G")
        let run = try WxRunData(wxJSON: object(#"{"stepInfoList":[{"timestamp":1,"step":2},{"timestamp":3,"step":4}],\#(Self.watermark)}"#))
        #expect(run.stepInfoList.map(\.step) == [2, 4])
    }

    @Test("objects find members by name whatever their length, count or order, and refuse a name twice")
    func objects() throws {
        func object(_ json: String) throws -> WxJSONObject {
            guard case .object(let object) = try WxJSON.parse(Data(json.utf8)) else { throw WxJSONError() }
            return object
        }
        // Names that share a length, a first byte, their first 15 bytes, or differ only past them.
        let names = ["a", "b", "ab", "ba", "openId", "openIe", "purePhoneNumber", "purePhoneNumbeR",
                     "aVeryLongMemberName-1", "aVeryLongMemberName-2", "aVeryLongMemberName-", "中文名字"]
        let small = try object("{" + names.enumerated().map { #""\#($1)":\#($0)"# }.joined(separator: ",") + "}")
        #expect(small.count == names.count)
        for (position, name) in names.enumerated() {
            #expect(small[name] == .number(Double(position)), "\(name)")
        }
        #expect(small["aVeryLongMemberName-3"] == nil)
        #expect(small["purePhoneNumbe"] == nil)
        #expect(small[""] == nil)
        // Order does not matter to equality; values and names do.
        #expect(try object(#"{"a":1,"b":[2]}"#) == object(#"{"b":[2],"a":1}"#))
        #expect(try object(#"{"a":1,"b":[2]}"#) != object(#"{"a":1,"b":[3]}"#))
        #expect(try object(#"{"a":1,"b":2}"#) != object(#"{"a":1,"c":2}"#))
        #expect(try object(#"{"a":1}"#) != object(#"{"a":1,"b":2}"#))
        // Past the threshold an object also indexes its names: lookups and the repeated-name check
        // hold on both sides of it.
        for count in [WxJSONObject.indexThreshold - 1, WxJSONObject.indexThreshold, WxJSONObject.indexThreshold + 1, 200] {
            let members = (0..<count).map { #""member-number-\#($0)":\#($0)"# }
            let large = try object("{" + members.joined(separator: ",") + "}")
            #expect(large.count == count)
            #expect(large["member-number-0"] == .number(0))
            #expect(large["member-number-\(count - 1)"] == .number(Double(count - 1)))
            #expect(large["member-number-\(count)"] == nil)
            for repeated in [0, count - 1] {
                let json = "{" + (members + [#""member-number-\#(repeated)":true"#]).joined(separator: ",") + "}"
                #expect(throws: WxJSONError.self, "\(count) members, \(repeated) again") { try WxJSON.parse(Data(json.utf8)) }
            }
        }
        // A name spelled with an escape is the same name.
        #expect(throws: WxJSONError.self) { try WxJSON.parse(Data(#"{"openId":"a","open\u0049d":"b"}"#.utf8)) }
        #expect(try object(#"{"open\u0049d":"a"}"#)["openId"] == .string("a"))
        // A name is checked as strictly as a string value: ill-formed UTF-8, control characters.
        #expect(throws: WxJSONError.self) { try WxJSON.parse(Data(Array(#"{"o"#.utf8) + [0xC3, 0x28] + Array(#"":1}"#.utf8))) }
        #expect(throws: WxJSONError.self) { try WxJSON.parse(Data("{\"o\u{01}\":1}".utf8)) }
    }
}
