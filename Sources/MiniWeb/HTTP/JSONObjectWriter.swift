import NIOCore

/// Writes one JSON object (RFC 8259) member by member into a buffer: for hot paths where
/// `JSONEncoder`'s cost shows (a login's response and token claims spent about 5% of a login in
/// it). `Response.json(_:)` with an `Encodable` value stays the default everywhere else.
///
/// Strings are written as UTF-8 with `"` and `\` escaped and control characters as `\uXXXX`;
/// `/` is not escaped (as `Response.json` does). Members come out in the order written.
///
/// ```swift
/// var json = JSONObjectWriter()
/// json.integer("code", 200)
/// json.object("user") { user in
///     user.string("openId", openID)
///     user.string("nickName", nickName)  // a nil String? is left out, as JSONEncoder does
/// }
/// return json.response()
/// ```
public struct JSONObjectWriter {
    private var buffer: ByteBuffer
    /// No member has been written to the innermost open object yet.
    private var atFirstMember = true

    /// Starts an object.
    /// - Parameter capacity: The bytes to reserve up front.
    public init(capacity: Int = 256) {
        self.buffer = ByteBuffer()
        self.buffer.reserveCapacity(capacity)
        self.buffer.writeInteger(UInt8(ascii: "{"))
    }

    /// Writes a string member.
    /// - Parameters:
    ///   - name: The member's name.
    ///   - value: Its value.
    public mutating func string(_ name: String, _ value: String) {
        self.member(name)
        self.append(value)
    }

    /// Writes a string member, or nothing when `value` is nil (as `JSONEncoder` leaves out a nil
    /// optional).
    /// - Parameters:
    ///   - name: The member's name.
    ///   - value: Its value.
    public mutating func string(_ name: String, _ value: String?) {
        guard let value else { return }
        self.string(name, value)
    }

    /// Writes an array of strings.
    /// - Parameters:
    ///   - name: The member's name.
    ///   - values: The strings.
    public mutating func strings(_ name: String, _ values: [String]) {
        self.member(name)
        self.buffer.writeInteger(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { self.buffer.writeInteger(UInt8(ascii: ",")) }
            self.append(value)
        }
        self.buffer.writeInteger(UInt8(ascii: "]"))
    }

    /// Writes an integer member.
    /// - Parameters:
    ///   - name: The member's name.
    ///   - value: Its value.
    public mutating func integer(_ name: String, _ value: some BinaryInteger) {
        self.member(name)
        self.buffer.writeString(String(value))
    }

    /// Writes an integer member, or nothing when `value` is nil.
    /// - Parameters:
    ///   - name: The member's name.
    ///   - value: Its value.
    public mutating func integer(_ name: String, _ value: (some BinaryInteger)?) {
        guard let value else { return }
        self.integer(name, value)
    }

    /// Writes a nested object member.
    /// - Parameters:
    ///   - name: The member's name.
    ///   - body: Writes the nested object's members.
    public mutating func object(_ name: String, _ body: (inout JSONObjectWriter) throws -> Void) rethrows {
        self.member(name)
        self.buffer.writeInteger(UInt8(ascii: "{"))
        self.atFirstMember = true
        try body(&self)
        self.buffer.writeInteger(UInt8(ascii: "}"))
        self.atFirstMember = false
    }

    /// Closes the object.
    /// - Returns: The object's bytes.
    public consuming func finish() -> ByteBuffer {
        self.buffer.writeInteger(UInt8(ascii: "}"))
        return self.buffer
    }

    /// Closes the object and wraps it in a response.
    /// - Parameter status: The status (200 by default).
    /// - Returns: An `application/json; charset=utf-8` response.
    public consuming func response(status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: ["content-type": "application/json; charset=utf-8"], body: self.finish())
    }

    private mutating func member(_ name: String) {
        if self.atFirstMember {
            self.atFirstMember = false
        } else {
            self.buffer.writeInteger(UInt8(ascii: ","))
        }
        self.append(name)
        self.buffer.writeInteger(UInt8(ascii: ":"))
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\uXXXX`, the rest as UTF-8.
    private mutating func append(_ string: String) {
        self.buffer.writeInteger(UInt8(ascii: "\""))
        if string.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            self.buffer.writeString(string)  // the common case: one copy
        } else {
            for byte in string.utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    self.buffer.writeInteger(UInt8(ascii: "\\"))
                    self.buffer.writeInteger(byte)
                case 0..<0x20:
                    let hex: StaticString = "0123456789abcdef"
                    self.buffer.writeString("\\u00")
                    self.buffer.writeInteger(hex.utf8Start[Int(byte >> 4)])
                    self.buffer.writeInteger(hex.utf8Start[Int(byte & 0xF)])
                default:
                    self.buffer.writeInteger(byte)
                }
            }
        }
        self.buffer.writeInteger(UInt8(ascii: "\""))
    }
}
