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
    /// Always a complete object: each write goes in before the closing `}` and puts it back, so
    /// that ``finish()`` has nothing left to write. A `consuming` call from another module gets
    /// a copy of the writer (the caller's variable still holds the buffer until the call returns),
    /// and a write there copied the whole buffer into a new allocation.
    private var buffer: ByteBuffer
    /// No member has been written to the innermost open object yet.
    private var atFirstMember = true

    /// Starts an object.
    /// - Parameter capacity: The bytes to reserve up front.
    public init(capacity: Int = 256) {
        // One allocation of the whole capacity: `ByteBuffer()` and then `reserveCapacity` made an
        // empty storage and then a second one, copying into it.
        self.buffer = ByteBufferAllocator().buffer(capacity: capacity)
        self.buffer.writeStaticString("{}")
    }

    /// Writes a string member.
    /// - Parameters:
    ///   - name: The member's name.
    ///   - value: Its value.
    public mutating func string(_ name: String, _ value: String) {
        self.member(name)
        self.append(value, then: UInt8(ascii: "}"))
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
            self.append(value, after: index > 0 ? UInt8(ascii: ",") : nil)
        }
        self.buffer.writeInteger(UInt8(ascii: "]"))
        self.close()
    }

    /// Writes an integer member.
    /// - Parameters:
    ///   - name: The member's name.
    ///   - value: Its value.
    public mutating func integer(_ name: String, _ value: some BinaryInteger) {
        self.member(name)
        self.buffer.writeString(String(value))
        self.close()
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
        self.buffer.writeStaticString("{}")  // its members go before its `}`
        self.atFirstMember = true
        defer {
            self.close()  // this object's `}` again, after the nested one's
            self.atFirstMember = false
        }
        try body(&self)
    }

    /// Closes the object.
    /// - Returns: The object's bytes.
    public consuming func finish() -> ByteBuffer {
        self.buffer
    }

    /// Closes the object and wraps it in a response.
    /// - Parameter status: The status (200 by default).
    /// - Returns: An `application/json; charset=utf-8` response.
    public consuming func response(status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: ["content-type": "application/json; charset=utf-8"], body: self.finish())
    }

    /// Starts a member: takes the innermost object's `}` off (the member's value puts it back)
    /// and writes the separator and the name.
    private mutating func member(_ name: String) {
        self.buffer.moveWriterIndex(to: self.buffer.writerIndex - 1)
        let separator: UInt8? = self.atFirstMember ? nil : UInt8(ascii: ",")
        self.atFirstMember = false
        self.append(name, after: separator, then: UInt8(ascii: ":"))
    }

    /// Writes the innermost open object's `}`.
    private mutating func close() {
        self.buffer.writeInteger(UInt8(ascii: "}"))
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\uXXXX`, the rest as UTF-8;
    /// with `separator` before it and `terminator` after it, when given.
    ///
    /// Over the UTF-8 bytes in one buffer (a native string's are contiguous; `withUTF8` makes them
    /// so otherwise), and in one write when nothing needs escaping: `String.UTF8View`'s iterator
    /// in the check took a fifth of the writer's time, and the byte-by-byte writes of quotes and
    /// separators (each one an exclusivity check on the buffer's storage) about as much again.
    private mutating func append(_ string: String, after separator: UInt8? = nil, then terminator: UInt8? = nil) {
        var string = string
        string.withUTF8 { bytes in
            guard bytes.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) else {
                if let separator { self.buffer.writeInteger(separator) }
                self.appendEscaped(bytes)
                if let terminator { self.buffer.writeInteger(terminator) }
                return
            }
            let lead = separator == nil ? 0 : 1
            let count = lead + bytes.count + 2 + (terminator == nil ? 0 : 1)
            self.buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { out in
                if let separator { out[0] = separator }
                out[lead] = UInt8(ascii: "\"")
                UnsafeMutableRawBufferPointer(rebasing: out[(lead + 1)...]).copyMemory(from: UnsafeRawBufferPointer(bytes))
                out[lead + 1 + bytes.count] = UInt8(ascii: "\"")
                if let terminator { out[lead + 2 + bytes.count] = terminator }
                return count
            }
        }
    }

    private mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.buffer.writeInteger(UInt8(ascii: "\""))
        for byte in bytes {
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
        self.buffer.writeInteger(UInt8(ascii: "\""))
    }
}
