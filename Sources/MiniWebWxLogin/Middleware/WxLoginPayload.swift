import MiniWeb

/// What a mini program posts to log in, in either of the shapes found in the wild:
///
/// - flat: `{"code", "encryptedData"?, "iv"?, "rawData"?, "signature"?}`, as JSON or as an
///   `application/x-www-form-urlencoded` form;
/// - the widely copied Flask tutorial's: `{"platCode": code, "platUserInfoMap": {"encryptedData", "iv"}}`.
///
/// Unknown fields are ignored.
public struct WxLoginPayload: Sendable, Equatable {
    /// The `wx.login` code.
    public var code: String
    /// `wx.getUserInfo`'s `encryptedData`, when sent.
    public var encryptedData: String?
    /// Its IV.
    public var iv: String?
    /// `wx.getUserInfo`'s `rawData`, when sent.
    public var rawData: String?
    /// The `rawData` signature, when sent.
    public var signature: String?

    /// Creates a payload.
    public init(code: String, encryptedData: String? = nil, iv: String? = nil, rawData: String? = nil, signature: String? = nil) {
        self.code = code
        self.encryptedData = encryptedData
        self.iv = iv
        self.rawData = rawData
        self.signature = signature
    }

    private struct JSONShape: Decodable {
        struct UserInfoMap: Decodable {
            let encryptedData: String?
            let iv: String?
            let rawData: String?
            let signature: String?
        }
        let code: String?
        let encryptedData: String?
        let iv: String?
        let rawData: String?
        let signature: String?
        let platCode: String?
        let platUserInfoMap: UserInfoMap?
    }

    /// Reads the payload from a request body.
    /// - Throws: ``WxError`` `codeMissing` without a code; ``HTTPError`` 400/415/422 for a body
    ///   that is not JSON or a form, or `encryptedData` without its `iv`.
    public init(from request: Request) throws {
        let contentType = request.headers["content-type"]?.lowercased() ?? ""
        if contentType.hasPrefix("application/x-www-form-urlencoded") {
            let fields = try request.formFields()
            self.init(
                code: fields["code"] ?? fields["platCode"] ?? "",
                encryptedData: fields["encryptedData"],
                iv: fields["iv"],
                rawData: fields["rawData"],
                signature: fields["signature"]
            )
        } else {
            var request = request
            if contentType.isEmpty {
                request.headers["content-type"] = "application/json"
            }
            let shape = try request.decode(JSONShape.self)
            let map = shape.platUserInfoMap
            self.init(
                code: shape.code ?? shape.platCode ?? "",
                encryptedData: shape.encryptedData ?? map?.encryptedData,
                iv: shape.iv ?? map?.iv,
                rawData: shape.rawData ?? map?.rawData,
                signature: shape.signature ?? map?.signature
            )
        }
        for field in [\WxLoginPayload.encryptedData, \.iv, \.rawData, \.signature] where self[keyPath: field]?.isEmpty == true {
            self[keyPath: field] = nil
        }
        guard !self.code.isEmpty else { throw WxError(.codeMissing) }
        guard (self.encryptedData == nil) == (self.iv == nil) else {
            throw HTTPError(.badRequest, code: "wx_payload_invalid", message: "encryptedData and iv must be sent together.")
        }
    }
}
