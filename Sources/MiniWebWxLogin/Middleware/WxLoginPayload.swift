import Foundation
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

    /// The string fields of either shape, flattened (the flat shape's fields win); `nil` when a
    /// field of the payload has another type than string.
    private static func fields(of object: WxJSONObject) -> [String: String]? {
        var fields: [String: String] = [:]
        func collect(_ object: WxJSONObject, overwrite: Bool) -> Bool {
            for name in ["code", "platCode", "encryptedData", "iv", "rawData", "signature"] {
                switch object[name] {
                case nil, .null?: continue
                case .string(let value)?: if overwrite || fields[name] == nil { fields[name] = value }
                default: return false
                }
            }
            return true
        }
        guard collect(object, overwrite: true) else { return nil }
        switch object["platUserInfoMap"] {
        case nil, .null?: return fields
        case .object(let map)?: return collect(map, overwrite: false) ? fields : nil
        default: return nil
        }
    }

    /// Reads the payload from a request body.
    /// - Throws: ``WxError`` `codeMissing` without a code; `HTTPError` 400/415/422 for a body
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
            guard contentType.isEmpty || contentType.hasPrefix("application/json") else {
                throw HTTPError(.unsupportedMediaType, code: "unsupported_media_type", message: "The body must be application/json or a form.")
            }
            guard request.body.readableBytes > 0 else {
                throw HTTPError(.badRequest, code: "body_required", message: "The request body is empty.")
            }
            // The strict fast parser of open data (see WxJSON): a login is parsed on every
            // login request, and JSONDecoder's fixed cost is several microseconds.
            guard case .success(.object(let object)) = request.body.withUnsafeReadableBytes({ WxJSON.parse($0) }) else {
                throw HTTPError(.badRequest, code: "invalid_json", message: "The request body is not a valid JSON object.")
            }
            guard let fields = Self.fields(of: object) else {
                throw HTTPError(.unprocessableContent, code: "invalid_body", message: "The login fields must be strings.")
            }
            self.init(
                code: fields["code"] ?? fields["platCode"] ?? "",
                encryptedData: fields["encryptedData"],
                iv: fields["iv"],
                rawData: fields["rawData"],
                signature: fields["signature"]
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
