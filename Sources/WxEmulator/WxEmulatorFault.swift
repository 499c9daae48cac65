/// A misbehaviour the emulator puts on for tests: how WeChat fails in production.
public struct WxEmulatorFault: Codable, Sendable, Hashable {
    /// What the emulator answers instead of the normal answer.
    public enum Body: String, Codable, Sendable {
        /// The normal answer (use with `delayMilliseconds` alone).
        case normal
        /// The normal JSON cut in half.
        case truncated
        /// An HTML error page, as a proxy in front of WeChat sends.
        case html
        /// A 10 MB body.
        case huge
    }

    /// The endpoint to affect, e.g. `sns/jscode2session`; `nil` affects every WeChat endpoint.
    public var endpoint: String?
    /// Wait this long before answering.
    public var delayMilliseconds: Int?
    /// Answer `{"errcode": errcode, "errmsg": ...}` instead.
    public var errcode: Int?
    /// Answer with this HTTP status (e.g. 500).
    public var httpStatus: Int?
    /// What body to send.
    public var body: Body?
    /// Apply to this many calls, then clear; `nil` until cleared.
    public var times: Int?

    /// Creates a fault.
    public init(
        endpoint: String? = nil,
        delayMilliseconds: Int? = nil,
        errcode: Int? = nil,
        httpStatus: Int? = nil,
        body: Body? = nil,
        times: Int? = nil
    ) {
        self.endpoint = endpoint
        self.delayMilliseconds = delayMilliseconds
        self.errcode = errcode
        self.httpStatus = httpStatus
        self.body = body
        self.times = times
    }
}
