import Foundation

/// A parsed JSON value: what the decrypted open data is read into on the fast path.
///
/// Why a parser of our own: on Linux, Foundation's `JSONDecoder` costs about 5 µs per call before
/// it decodes a single field (7 µs for a `WxUserInfo`, measured in `Benchmarks/`), twice the cost
/// of base64 and AES together, and it would cap decryption far below the 200,000/s the project
/// targets. Open data is small, flat JSON; this strict RFC 8259 parser reads it in about a
/// microsecond. Types without a fast path still go through `JSONDecoder`.
enum WxJSON: Equatable, Sendable {
    case object(WxJSONObject)
    case array([WxJSON])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// Parses a complete JSON text (surrounding whitespace allowed, nothing else).
    static func parse(_ data: Data) throws(WxJSONError) -> WxJSON {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in Self.parse(bytes) }.get()
    }

    /// Parses a complete JSON text from bytes.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<WxJSON, WxJSONError> {
        var parser = WxJSONParser(bytes: bytes)
        do throws(WxJSONError) {
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.index == bytes.count else { return .failure(WxJSONError()) }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }
}

/// Malformed JSON, or JSON of another shape than expected.
struct WxJSONError: Error {}

/// A recursive-descent parser over UTF-8 bytes.
struct WxJSONParser {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    /// Deeper nesting is refused (open data is two levels deep).
    static let maximumDepth = 32

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func skipWhitespace() {
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case 0x20, 0x0A, 0x0D, 0x09: self.index += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(WxJSONError) -> WxJSON {
        guard depth < Self.maximumDepth else { throw WxJSONError() }
        self.skipWhitespace()
        guard self.index < self.bytes.count else { throw WxJSONError() }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return try self.parseObject(depth: depth)
        case UInt8(ascii: "["): return try self.parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"): try self.expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try self.expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try self.expect("null"); return .null
        default: return .number(try self.parseNumber())
        }
    }

    private mutating func expect(_ literal: StaticString) throws(WxJSONError) {
        let count = literal.utf8CodeUnitCount
        guard self.index + count <= self.bytes.count else { throw WxJSONError() }
        for offset in 0..<count where self.bytes[self.index + offset] != literal.utf8Start[offset] {
            throw WxJSONError()
        }
        self.index += count
    }

    private mutating func parseObject(depth: Int) throws(WxJSONError) -> WxJSON {
        self.index += 1
        var object = WxJSONObject(reservingCapacity: 16)
        self.skipWhitespace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "}") {
            self.index += 1
            return .object(object)
        }
        while true {
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\"") else { throw WxJSONError() }
            let name = try self.parseName()
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ":") else { throw WxJSONError() }
            self.index += 1
            // A repeated name is refused: RFC 8259 leaves its meaning open, so two readers of
            // the same data could disagree.
            guard object.append(name, try self.parseValue(depth: depth + 1)) else { throw WxJSONError() }
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw WxJSONError() }
            switch self.bytes[self.index] {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "}"): self.index += 1; return .object(object)
            default: throw WxJSONError()
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(WxJSONError) -> WxJSON {
        self.index += 1
        var array: [WxJSON] = []
        self.skipWhitespace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "]") {
            self.index += 1
            return .array(array)
        }
        while true {
            array.append(try self.parseValue(depth: depth + 1))
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw WxJSONError() }
            switch self.bytes[self.index] {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "]"): self.index += 1; return .array(array)
            default: throw WxJSONError()
            }
        }
    }

    /// A member's name; the index is on its opening quote. A name without escapes is read
    /// straight from the bytes, without making a `String` of it (see ``WxJSONName``).
    mutating func parseName() throws(WxJSONError) -> WxJSONName {
        let start = self.index + 1
        var end = start
        var nonASCII: UInt8 = 0
        while end < self.bytes.count {
            let byte = self.bytes[end]
            if byte == UInt8(ascii: "\"") {
                let utf8 = UnsafeRawBufferPointer(rebasing: self.bytes[start..<end])
                // Only a name with non-ASCII bytes needs its UTF-8 checked, as any string's is.
                let string = nonASCII & 0x80 == 0 ? nil : try Self.validatedString(utf8, isASCII: false)
                self.index = end + 1
                return WxJSONName(utf8: utf8, string: string)
            }
            // An escape or a control character: the string reader unescapes or refuses it.
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            nonASCII |= byte
            end += 1
        }
        return WxJSONName(try self.parseString())
    }

    /// A string literal; the index is on its opening quote.
    mutating func parseString() throws(WxJSONError) -> String {
        self.index += 1
        let start = self.index
        var nonASCII: UInt8 = 0
        // Fast path: no escapes.
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            if byte == UInt8(ascii: "\"") {
                let utf8 = UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index])
                self.index += 1
                return try Self.validatedString(utf8, isASCII: nonASCII & 0x80 == 0)
            }
            nonASCII |= byte
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw WxJSONError() }
            self.index += 1
        }
        // Slow path: unescape.
        var scalars = Array(UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index]))
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            self.index += 1
            switch byte {
            case UInt8(ascii: "\""):
                let text = scalars.withUnsafeBytes { buffer in try? Self.validatedString(buffer, isASCII: false) }
                guard let text else { throw WxJSONError() }
                return text
            case UInt8(ascii: "\\"):
                guard self.index < self.bytes.count else { throw WxJSONError() }
                let escape = self.bytes[self.index]
                self.index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try self.parseHex4()
                    if (0xD800..<0xDC00).contains(code) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        try self.expect("\\u")
                        let low = try self.parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw WxJSONError() }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(code) {
                        throw WxJSONError()
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw WxJSONError() }
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw WxJSONError()
                }
            default:
                guard byte >= 0x20 else { throw WxJSONError() }
                scalars.append(byte)
            }
        }
        throw WxJSONError()
    }

    /// The string of UTF-8 `bytes`, refusing ill-formed UTF-8.
    ///
    /// `String(validating:as:)` is generic and instantiated its metadata on every call (15% of a
    /// decryption's profile). ASCII needs no check; otherwise `String(decoding:)` replaces every
    /// ill-formed sequence with U+FFFD, so a U+FFFD that the input did not spell out (EF BF BD)
    /// proves the input invalid.
    static func validatedString(_ bytes: UnsafeRawBufferPointer, isASCII: Bool) throws(WxJSONError) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        if isASCII { return text }
        if text.unicodeScalars.contains("\u{FFFD}") {
            let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
            var literal = 0
            var index = 0
            while index + 2 < bytes.count {
                if bytes[index] == replacement[0] && bytes[index + 1] == replacement[1] && bytes[index + 2] == replacement[2] {
                    literal += 1
                    index += 3
                } else {
                    index += 1
                }
            }
            guard literal == text.unicodeScalars.lazy.filter({ $0 == "\u{FFFD}" }).count else { throw WxJSONError() }
        }
        return text
    }

    private mutating func parseHex4() throws(WxJSONError) -> UInt32 {
        guard self.index + 4 <= self.bytes.count else { throw WxJSONError() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw WxJSONError()
            }
            value = value << 4 | UInt32(digit)
            self.index += 1
        }
        return value
    }

    /// A number per RFC 8259's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func parseNumber() throws(WxJSONError) -> Double {
        let start = self.index
        var isInteger = true
        func digits(_ parser: inout WxJSONParser) -> Int {
            let from = parser.index
            while parser.index < parser.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index]) {
                parser.index += 1
            }
            return parser.index - from
        }
        if self.bytes[self.index] == UInt8(ascii: "-") { self.index += 1 }
        guard self.index < self.bytes.count else { throw WxJSONError() }
        if self.bytes[self.index] == UInt8(ascii: "0") {
            self.index += 1
        } else {
            guard digits(&self) > 0 else { throw WxJSONError() }
        }
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ".") {
            isInteger = false
            self.index += 1
            guard digits(&self) > 0 else { throw WxJSONError() }
        }
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "e") || self.bytes[self.index] == UInt8(ascii: "E") {
            isInteger = false
            self.index += 1
            if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "+") || self.bytes[self.index] == UInt8(ascii: "-") {
                self.index += 1
            }
            guard digits(&self) > 0 else { throw WxJSONError() }
        }
        let literal = UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index])
        // Integers of up to 15 digits (timestamps, genders, steps) are exact in a Double: sum
        // them directly instead of going through strtod.
        if isInteger, literal.count <= 16 {
            var value = 0
            for byte in literal where byte != UInt8(ascii: "-") {
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return Double(literal.first == UInt8(ascii: "-") ? -value : value)
        }
        guard let value = Double(String(decoding: literal, as: UTF8.self)), value.isFinite else { throw WxJSONError() }
        return value
    }
}
