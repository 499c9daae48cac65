/// A member's name, held as its length and first 15 UTF-8 bytes (the whole name, for every name
/// WeChat uses: no `String` is made for it) and, for a longer name, the name itself.
struct WxJSONName: Equatable, Sendable {
    /// UTF-8 bytes 0-7 of the name (zeros past its end).
    private let head: UInt64
    /// Bytes 8-14, and the length (up to 255) in the top byte.
    private let tail: UInt64
    /// The name, when it is longer than 15 bytes.
    private let long: String?

    /// The name of UTF-8 bytes already checked to be well-formed; `string` is the same name,
    /// if the caller has it.
    init(utf8: UnsafeRawBufferPointer, string: String? = nil) {
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: utf8.prefix(15))) }
        self.head = words.0
        self.tail = words.1 | UInt64(min(utf8.count, 255)) << 56
        self.long = utf8.count > 15 ? string ?? String(decoding: utf8, as: UTF8.self) : nil
    }

    /// The name `name`.
    init(_ name: String) {
        if let made = name.utf8.withContiguousStorageIfAvailable({ WxJSONName(utf8: UnsafeRawBufferPointer($0), string: name) }) {
            self = made
        } else {
            self = Array(name.utf8).withUnsafeBytes { WxJSONName(utf8: $0, string: name) }
        }
    }

    /// The name as a string.
    var string: String {
        if let long = self.long { return long }
        var words = (self.head, self.tail & 0x00FF_FFFF_FFFF_FFFF)
        let count = Int(self.tail >> 56)
        return withUnsafeBytes(of: &words) { String(decoding: UnsafeRawBufferPointer(rebasing: $0.prefix(count)), as: UTF8.self) }
    }
}
