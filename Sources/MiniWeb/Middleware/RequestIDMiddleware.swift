/// Gives every request an identifier that appears in logs and in the `X-Request-Id` response
/// header.
///
/// A client's (or a proxy's) `X-Request-Id` is kept when it is 1 to 128 characters of letters,
/// digits and `-`, `_`, `.`, `:`, `/`, `+`, `=`; anything else is replaced by the server's own
/// identifier, so a log line never carries client-chosen control characters. Add it first, so that
/// every middleware after it logs the same id.
public struct RequestIDMiddleware: SynchronousMiddleware {
    /// The header read and written; `x-request-id` by default.
    public let headerName: String

    /// Creates the middleware.
    /// - Parameter headerName: The header to read and echo.
    public init(headerName: String = "x-request-id") {
        self.headerName = headerName
    }

    /// Adopts a valid incoming identifier.
    public func willRespond(to request: Request) -> MiddlewareDecision {
        guard let incoming = request.headers[self.headerName], Self.isAcceptable(incoming), incoming != request.id else {
            return .pass
        }
        var changed = request
        changed.id = incoming
        return .passChanged(changed)
    }

    /// Echoes the identifier in the response.
    public func didRespond(to request: Request, with response: inout Response, startedAt: ContinuousClock.Instant) {
        response.headers[self.headerName] = request.id
    }

    static func isAcceptable(_ id: String) -> Bool {
        let utf8 = id.utf8
        guard (1...128).contains(utf8.count) else { return false }
        return utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                "-_.:/+=".utf8.contains(byte)
            }
        }
    }
}
