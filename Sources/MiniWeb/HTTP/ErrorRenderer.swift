import NIOCore

/// Turns an ``HTTPError`` into a response: the one place where the shape of error bodies is
/// decided.
///
/// The default renders the documented JSON shape
/// `{"code": 404, "error": "not_found", "msg": "Not Found"}` with the error's headers. Replace it
/// by passing another one to `Application(router:errorRenderer:)`, to change every error body at once: route
/// errors, 404 and 405, decoding failures and the server's own 400, 408, 413 and 431 answers.
public struct ErrorRenderer: Sendable {
    private let body: @Sendable (HTTPError) -> Response

    /// Creates a renderer from a closure.
    /// - Parameter render: Builds the response for an error.
    public init(_ render: @escaping @Sendable (HTTPError) -> Response) {
        self.body = render
    }

    /// Renders an error.
    /// - Parameter error: The error.
    /// - Returns: The response to send.
    public func render(_ error: HTTPError) -> Response {
        self.body(error)
    }

    /// The default JSON renderer.
    public static let json = ErrorRenderer { error in
        var response = Response(status: error.status, headers: error.headers)
        response.headers["content-type"] = "application/json; charset=utf-8"
        response.body = ByteBuffer(string: ErrorRenderer.jsonBody(for: error))
        return response
    }

    /// `{"code":404,"error":"not_found","msg":"Not Found"}`.
    ///
    /// Written by hand rather than with `JSONEncoder` so that the keys come in the documented
    /// order and rendering an error (a 404 flood, say) allocates only the body.
    static func jsonBody(for error: HTTPError) -> String {
        var json = "{\"code\":"
        json.reserveCapacity(40 + error.code.utf8.count + error.message.utf8.count)
        json += String(error.status.code)
        json += ",\"error\":"
        appendJSONString(error.code, to: &json)
        json += ",\"msg\":"
        appendJSONString(error.message, to: &json)
        json += "}"
        return json
    }

    /// Appends `string` as a JSON string literal (RFC 8259 §7: quote, backslash and control
    /// characters escaped; everything else, non-ASCII included, as it is).
    static func appendJSONString(_ string: String, to json: inout String) {
        json += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": json += "\\\""
            case "\\": json += "\\\\"
            case "\n": json += "\\n"
            case "\r": json += "\\r"
            case "\t": json += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                json += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                json.unicodeScalars.append(scalar)
            }
        }
        json += "\""
    }
}
