import Foundation
import NIOCore
import NIOFoundationCompat

extension Request {
    /// The body as UTF-8 text, or `nil` when it is not valid UTF-8.
    public var bodyText: String? {
        self.body.getString(at: self.body.readerIndex, length: self.body.readableBytes)
            .flatMap { $0.utf8.count == self.body.readableBytes ? $0 : nil }
    }

    /// Decodes a JSON body.
    ///
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - decoder: The decoder; a default `JSONDecoder` when omitted.
    /// - Returns: The decoded value.
    /// - Throws: ``HTTPError``:
    ///   - 415 `unsupported_media_type` when a `Content-Type` other than JSON is declared;
    ///   - 400 `body_required` when the body is empty;
    ///   - 400 `invalid_json` when the body is not well-formed JSON;
    ///   - 422 `invalid_body` when the JSON is well-formed but a field is missing or has the wrong
    ///     type (the message names the field).
    public func decode<Value: Decodable>(_ type: Value.Type, decoder: JSONDecoder? = nil) throws(HTTPError) -> Value {
        if let contentType = self.headers["content-type"], !MediaType.isJSON(contentType) {
            throw HTTPError(.unsupportedMediaType, code: "unsupported_media_type", message: "The body must be application/json.")
        }
        guard self.body.readableBytes > 0 else {
            throw HTTPError(.badRequest, code: "body_required", message: "The request body is empty.")
        }
        do {
            return try (decoder ?? JSONDecoder()).decode(Value.self, from: self.body)
        } catch let error as DecodingError {
            throw HTTPError(decodingError: error)
        } catch {
            throw HTTPError(.badRequest, code: "invalid_json", message: "The request body is not valid JSON.")
        }
    }

    /// Decodes an `application/x-www-form-urlencoded` body into its fields.
    /// - Returns: The fields, in order.
    /// - Throws: ``HTTPError`` 400 `invalid_form` when the body is not valid form encoding.
    public func formFields() throws(HTTPError) -> QueryParameters {
        guard let text = self.bodyText, let fields = QueryParameters(decoding: Substring(text)) else {
            throw HTTPError(.badRequest, code: "invalid_form", message: "The request body is not valid form encoding.")
        }
        return fields
    }
}

extension HTTPError {
    /// Maps a `DecodingError`: malformed JSON is 400, well-formed JSON of the wrong shape is 422.
    init(decodingError error: DecodingError) {
        func path(_ context: DecodingError.Context, appending key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            let rendered = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return rendered.isEmpty ? "the body" : String(rendered.drop { $0 == "." })
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            self.init(.badRequest, code: "invalid_json", message: "The request body is not valid JSON.")
        case .dataCorrupted(let context):
            self.init(.unprocessableContent, code: "invalid_body", message: "The value of '\(path(context))' is invalid.")
        case .keyNotFound(let key, let context):
            self.init(.unprocessableContent, code: "invalid_body", message: "The field '\(path(context, appending: key))' is required.")
        case .typeMismatch(let type, let context):
            self.init(.unprocessableContent, code: "invalid_body", message: "The field '\(path(context))' must be of type \(type).")
        case .valueNotFound(let type, let context):
            self.init(.unprocessableContent, code: "invalid_body", message: "The field '\(path(context))' must be a \(type), not null.")
        @unknown default:
            self.init(.badRequest, code: "invalid_json", message: "The request body could not be decoded.")
        }
    }
}

/// Media type checks on `Content-Type` values, without allocating: they run on every response
/// that passes through the compression middleware.
enum MediaType {
    /// `application/json`, `application/*+json`, with any parameters.
    static func isJSON(_ contentType: String) -> Bool {
        let essence = Self.essence(contentType)
        return Self.equalsIgnoringCase(essence, "application/json")
            || (Self.hasPrefixIgnoringCase(essence, "application/") && Self.hasSuffixIgnoringCase(essence, "+json"))
    }

    /// Text and structured text that compresses well: `text/*`, JSON, JavaScript, XML, SVG.
    static func isCompressible(_ contentType: String) -> Bool {
        let essence = Self.essence(contentType)
        return Self.hasPrefixIgnoringCase(essence, "text/") || Self.isJSON(contentType)
            || Self.equalsIgnoringCase(essence, "application/javascript") || Self.equalsIgnoringCase(essence, "application/xml")
            || Self.hasSuffixIgnoringCase(essence, "+xml")
    }

    /// The type and subtype: before any `;`, without surrounding spaces.
    private static func essence(_ contentType: String) -> Substring.UTF8View {
        var utf8 = Substring(contentType).utf8
        if let semicolon = utf8.firstIndex(of: UInt8(ascii: ";")) {
            utf8 = utf8[..<semicolon]
        }
        while let first = utf8.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { utf8 = utf8.dropFirst() }
        while let last = utf8.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { utf8 = utf8.dropLast() }
        return utf8
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    private static func equalsIgnoringCase(_ text: Substring.UTF8View, _ lowercase: StaticString) -> Bool {
        text.count == lowercase.utf8CodeUnitCount && Self.hasPrefixIgnoringCase(text, lowercase)
    }

    private static func hasPrefixIgnoringCase(_ text: Substring.UTF8View, _ lowercase: StaticString) -> Bool {
        let count = lowercase.utf8CodeUnitCount
        guard text.count >= count else { return false }
        var offset = 0
        for byte in text.prefix(count) {
            guard Self.lower(byte) == lowercase.utf8Start[offset] else { return false }
            offset += 1
        }
        return true
    }

    private static func hasSuffixIgnoringCase(_ text: Substring.UTF8View, _ lowercase: StaticString) -> Bool {
        let count = lowercase.utf8CodeUnitCount
        guard text.count >= count else { return false }
        var offset = 0
        for byte in text.suffix(count) {
            guard Self.lower(byte) == lowercase.utf8Start[offset] else { return false }
            offset += 1
        }
        return true
    }
}
