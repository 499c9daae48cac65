import CompressNIO
import NIOCore

/// Compresses response bodies with gzip when the client accepts it.
///
/// A response is compressed when the request's `Accept-Encoding` allows gzip (`q` above zero,
/// `*` counting), its `Content-Type` is text-like (`text/*`, JSON, JavaScript, XML, SVG), its body
/// is at least ``minimumSize`` bytes, and it has no `Content-Encoding` yet. `Vary: Accept-Encoding`
/// is added to every response that would be compressed for a client accepting gzip, compressed or
/// not, so caches keep the variants apart.
/// Compression is zlib's, through CompressNIO.
public struct CompressionMiddleware: SynchronousMiddleware {
    /// The smallest body worth compressing, in bytes.
    public let minimumSize: Int

    /// Creates the middleware.
    /// - Parameter minimumSize: The smallest body to compress; 1 KiB by default (below that the
    ///   gzip header and CPU cost outweigh the savings).
    public init(minimumSize: Int = 1024) {
        self.minimumSize = minimumSize
    }

    /// Compresses the response when the client and the content allow it.
    /// - Throws: What zlib throws (rendered as a 500).
    public func didRespond(to request: Request, with response: inout Response, startedAt: ContinuousClock.Instant) throws {
        // The size first, the cheapest test: a response below the threshold is never compressed,
        // so it does not vary by Accept-Encoding (most API answers end here).
        guard response.body.readableBytes >= self.minimumSize, let contentType = response.headers["content-type"],
            MediaType.isCompressible(contentType), !response.headers.contains("content-encoding"), !response.status.forbidsBody
        else {
            return
        }
        response.headers.add(name: "vary", value: "Accept-Encoding")
        guard Self.acceptsGzip(request.headers) else {
            return
        }
        var body = response.body
        response.body = try body.compress(with: .gzip())
        response.headers["content-encoding"] = "gzip"
    }

    /// Whether `Accept-Encoding` allows gzip (RFC 9110 §12.5.3).
    static func acceptsGzip(_ headers: Headers) -> Bool {
        var gzip: Double?
        var wildcard: Double?
        for value in headers.values(for: "accept-encoding") {
            for item in value.split(separator: ",") {
                let parts = item.split(separator: ";")
                guard let coding = parts.first?.trimmingWhitespace().lowercased() else { continue }
                var quality = 1.0
                for parameter in parts.dropFirst() {
                    let pair = parameter.split(separator: "=", maxSplits: 1)
                    if pair.count == 2, pair[0].trimmingWhitespace().lowercased() == "q" {
                        quality = Double(pair[1].trimmingWhitespace()) ?? 0
                    }
                }
                if coding == "gzip" || coding == "x-gzip" {
                    gzip = quality
                } else if coding == "*" {
                    wildcard = quality
                }
            }
        }
        return (gzip ?? wildcard ?? 0) > 0
    }
}

extension Substring {
    /// The substring without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = self.firstIndex(where: { !isBlank($0) }), let last = self.lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
