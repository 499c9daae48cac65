import MiniWeb

/// A failure of WeChat login: from WeChat's API, from the open-data crypto, or from the network.
///
/// Each ``Kind`` has a stable code and an HTTP status (see ``httpError``), so a middleware can
/// throw it as it is. The description and the message never contain a secret: not the app
/// secret, not a session key, not an access token.
public struct WxError: Error, Sendable, HTTPErrorConvertible, CustomStringConvertible {
    /// What went wrong; the raw value is the machine-readable error code sent to clients.
    public enum Kind: String, Sendable, CaseIterable {
        /// The login code is not valid (errcode 40029).
        case codeInvalid = "wx_code_invalid"
        /// The login code was already used (errcode 40163).
        case codeUsed = "wx_code_used"
        /// No login code was sent (or errcode 41008).
        case codeMissing = "wx_code_missing"
        /// WeChat is rate-limiting this app (errcode 45011).
        case rateLimited = "wx_rate_limited"
        /// The user is blocked by WeChat (errcode 40226).
        case userBlocked = "wx_user_blocked"
        /// The app id or secret is wrong (errcodes 40013, 40125, 40001 on the token endpoint), or
        /// the app id is not configured here.
        case misconfigured = "wx_misconfigured"
        /// WeChat answered with an error, a 5xx, or something that is not its JSON.
        case upstreamError = "wx_upstream_error"
        /// WeChat did not answer in time.
        case upstreamTimeout = "wx_upstream_timeout"
        /// Too many calls to WeChat are in flight; try again shortly.
        case upstreamBusy = "wx_upstream_busy"
        /// The encrypted data could not be decrypted (every cause gives this one error).
        case decryptFailed = "wx_decrypt_failed"
        /// The decrypted data's watermark names another app.
        case watermarkMismatch = "wx_watermark_mismatch"
        /// The decrypted data's watermark is older than the configured maximum age.
        case dataExpired = "wx_data_expired"
        /// The `rawData` signature does not match.
        case signatureInvalid = "wx_signature_invalid"
        /// The session key is no longer valid at WeChat (errcode 87009 on checksession).
        case sessionKeyInvalid = "wx_session_key_invalid"
    }

    /// What went wrong.
    public let kind: Kind
    /// WeChat's `errcode`, when the error came from WeChat's API.
    public let errcode: Int?
    /// Which WeChat endpoint failed, e.g. `sns/jscode2session`, when one did.
    public let endpoint: String?
    /// Details for logs; never a secret, never sent to clients.
    public let detail: String

    /// Creates an error.
    /// - Parameters:
    ///   - kind: What went wrong.
    ///   - errcode: WeChat's errcode, if any.
    ///   - endpoint: The endpoint that failed, if any.
    ///   - detail: Details for logs (must not contain secrets).
    public init(_ kind: Kind, errcode: Int? = nil, endpoint: String? = nil, detail: String = "") {
        self.kind = kind
        self.errcode = errcode
        self.endpoint = endpoint
        self.detail = detail
    }

    /// `wx_code_used (errcode 40163 from sns/jscode2session): code been used`.
    public var description: String {
        var text = self.kind.rawValue
        var origin: [String] = []
        if let errcode = self.errcode { origin.append("errcode \(errcode)") }
        if let endpoint = self.endpoint { origin.append("from \(endpoint)") }
        if !origin.isEmpty { text += " (" + origin.joined(separator: " ") + ")" }
        if !self.detail.isEmpty { text += ": " + self.detail }
        return text
    }

    /// The HTTP error a client gets: status, the kind's code and a message that says what to do.
    public var httpError: HTTPError {
        switch self.kind {
        case .codeInvalid:
            HTTPError(.badRequest, code: self.kind.rawValue, message: "The login code is invalid or expired: call wx.login again.")
        case .codeUsed:
            HTTPError(.badRequest, code: self.kind.rawValue, message: "The login code has already been used: call wx.login again for a new one.")
        case .codeMissing:
            HTTPError(.badRequest, code: self.kind.rawValue, message: "The login code is missing.")
        case .rateLimited:
            HTTPError(.tooManyRequests, code: self.kind.rawValue, message: "WeChat is limiting login requests; try again shortly.", headers: ["retry-after": "1"])
        case .userBlocked:
            HTTPError(.forbidden, code: self.kind.rawValue, message: "WeChat has blocked this user.")
        case .misconfigured:
            HTTPError(.internalServerError, code: self.kind.rawValue, message: "The server's WeChat app configuration is invalid.")
        case .upstreamError:
            HTTPError(.badGateway, code: self.kind.rawValue, message: "WeChat's API failed; try again.")
        case .upstreamTimeout:
            HTTPError(.gatewayTimeout, code: self.kind.rawValue, message: "WeChat's API did not answer in time; try again.")
        case .upstreamBusy:
            HTTPError(.serviceUnavailable, code: self.kind.rawValue, message: "The server is busy talking to WeChat; try again shortly.", headers: ["retry-after": "1"])
        case .decryptFailed:
            HTTPError(
                .badRequest,
                code: self.kind.rawValue,
                message: "The encrypted data could not be decrypted with this login's session key. "
                    + "If the mini program called wx.login after getting the data, get the data again after logging in."
            )
        case .watermarkMismatch:
            HTTPError(.badRequest, code: self.kind.rawValue, message: "The encrypted data was produced for another app.")
        case .dataExpired:
            HTTPError(.badRequest, code: self.kind.rawValue, message: "The encrypted data is too old; get it again.")
        case .signatureInvalid:
            HTTPError(.badRequest, code: self.kind.rawValue, message: "The rawData signature does not match.")
        case .sessionKeyInvalid:
            HTTPError(.unauthorized, code: self.kind.rawValue, message: "The WeChat session has expired: call wx.login again.")
        }
    }

    /// Maps an `errcode` other than 0 from a WeChat endpoint.
    /// - Parameters:
    ///   - errcode: The errcode.
    ///   - errmsg: WeChat's message (logged, not sent).
    ///   - endpoint: The endpoint, e.g. `sns/jscode2session`.
    public init(errcode: Int, errmsg: String?, endpoint: String) {
        let kind: Kind
        switch errcode {
        case 40029: kind = .codeInvalid
        case 40163: kind = .codeUsed
        case 41008: kind = .codeMissing
        case 45011: kind = .rateLimited
        case 40226: kind = .userBlocked
        case 40013, 40125, 41002, 41004: kind = .misconfigured
        case 40001 where endpoint.hasPrefix("cgi-bin/"): kind = .misconfigured  // bad secret
        case 87009: kind = .sessionKeyInvalid
        default: kind = .upstreamError
        }
        self.init(kind, errcode: errcode, endpoint: endpoint, detail: Self.sanitized(errmsg ?? ""))
    }

    /// WeChat's errmsg can echo request details (an `rid`, sometimes a hint); keep it short and
    /// printable so that it is safe in a log line.
    private static func sanitized(_ message: String) -> String {
        String(message.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(200).map(Character.init))
    }
}
