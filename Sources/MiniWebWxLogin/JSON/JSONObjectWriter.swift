import Foundation

/// Appends the members of one JSON object (RFC 8259) to a byte array.
struct JSONObjectWriter {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]

    init() {
        self.bytes.reserveCapacity(256)
    }

    mutating func string(_ name: String, _ value: String) {
        self.member(name)
        self.append(value)
    }

    mutating func strings(_ name: String, _ values: [String]) {
        self.member(name)
        self.bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { self.bytes.append(UInt8(ascii: ",")) }
            self.append(value)
        }
        self.bytes.append(UInt8(ascii: "]"))
    }

    mutating func integer(_ name: String, _ value: Int64) {
        self.member(name)
        self.bytes.append(contentsOf: String(value).utf8)
    }

    consuming func finish() -> Data {
        self.bytes.append(UInt8(ascii: "}"))
        return Data(self.bytes)
    }

    private mutating func member(_ name: String) {
        if self.bytes.count > 1 { self.bytes.append(UInt8(ascii: ",")) }
        self.append(name)
        self.bytes.append(UInt8(ascii: ":"))
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\uXXXX`, the rest as UTF-8.
    private mutating func append(_ string: String) {
        self.bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                self.bytes.append(UInt8(ascii: "\\"))
                self.bytes.append(byte)
            case 0..<0x20:
                let hex: StaticString = "0123456789abcdef"
                self.bytes.append(contentsOf: "\\u00".utf8)
                self.bytes.append(hex.utf8Start[Int(byte >> 4)])
                self.bytes.append(hex.utf8Start[Int(byte & 0xF)])
            default:
                self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }
}
