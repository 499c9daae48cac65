import Foundation
import JWTKit
import MiniWeb
import NIOCore

/// The JSON encoder the signer gives jwt-kit: login tokens' claims and headers written directly,
/// anything else through jwt-kit's default `JSONEncoder`.
///
/// Why by hand: jwt-kit encodes the header and the claims with Foundation's `JSONEncoder`, which
/// on Linux was 4% of a whole login's CPU in the profile (more than the AES and the HMAC). Both
/// objects are small and flat: strings, whole-second dates and a string-or-array audience.
/// Whatever falls outside that shape (a fractional date, a header field that is not a string)
/// goes to `JSONEncoder`, so the output always decodes to the same values.
struct LoginTokenJSONEncoder: JWTJSONEncoder {
    private let fallback: any JWTJSONEncoder = .defaultForJWT

    func encode<T: Encodable>(_ value: T) throws -> Data {
        if let claims = value as? LoginTokenClaims, let json = Self.json(claims) {
            return json
        }
        if let header = value as? JWTHeader, let json = Self.json(header) {
            return json
        }
        return try self.fallback.encode(value)
    }

    static func json(_ claims: LoginTokenClaims) -> Data? {
        guard let issuedAt = Self.wholeSeconds(claims.iat.value), let expiresAt = Self.wholeSeconds(claims.exp.value) else {
            return nil
        }
        var writer = JSONObjectWriter()
        writer.string("sub", claims.sub.value)
        if claims.aud.value.count == 1 {
            writer.string("aud", claims.aud.value[0])
        } else {
            writer.strings("aud", claims.aud.value)
        }
        writer.string("iss", claims.iss.value)
        writer.integer("iat", issuedAt)
        writer.integer("exp", expiresAt)
        writer.string("sid", claims.sid)
        writer.string("openid", claims.openid)
        if let unionID = claims.unionid {
            writer.string("unionid", unionID)
        }
        return Data(writer.finish().readableBytesView)
    }

    static func json(_ header: JWTHeader) -> Data? {
        var writer = JSONObjectWriter()
        for (name, field) in header.fields.sorted(by: { $0.key < $1.key }) {
            guard case .string(let value) = field else { return nil }
            writer.string(name, value)
        }
        return Data(writer.finish().readableBytesView)
    }

    /// The date as an integer count of seconds, when it is one (as `JSONEncoder` would print it).
    private static func wholeSeconds(_ date: Date) -> Int64? {
        let seconds = date.timeIntervalSince1970
        guard seconds.rounded(.towardZero) == seconds, abs(seconds) < 1e15 else { return nil }
        return Int64(seconds)
    }
}
