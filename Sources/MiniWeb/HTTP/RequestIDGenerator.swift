/// Makes request identifiers: 15 lowercase hex digits (60 bits).
///
/// The server keeps one generator per connection, seeded once from the system's random source,
/// and steps from there, so that an identifier costs no system call; 15 ASCII bytes fit Swift's
/// small-string form, so it costs no allocation either.
struct RequestIDGenerator {
    private var state: UInt64

    /// A generator seeded from `SystemRandomNumberGenerator`.
    init() {
        var random = SystemRandomNumberGenerator()
        self.state = random.next()
    }

    /// The next identifier.
    mutating func next() -> String {
        // A Weyl sequence through splitmix64's finaliser: successive ids look unrelated and do
        // not repeat within a connection's lifetime.
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return String(unsafeUninitializedCapacity: 15) { buffer in
            let digits: StaticString = "0123456789abcdef"
            for index in 0..<15 {
                buffer[index] = digits.utf8Start[Int((z >> (56 - 4 * UInt64(index))) & 0xF)]
            }
            return 15
        }
    }
}
