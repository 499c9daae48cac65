import Foundation
import JWTKit
import MiniWeb
import NIOConcurrencyHelpers

/// A login token as issued: the JWT, its session and when it expires.
public struct IssuedLoginToken: Sendable {
    /// The JWT to give the client.
    public let token: String
    /// The login session id (`sid`).
    public let sessionID: String
    /// When the token expires.
    public let expiresAt: Date
    /// Its lifetime in seconds, for `expiresIn` answers.
    public let expiresIn: Int
}

/// Issues and verifies the app's own login tokens: JWTs signed with HMAC-SHA256 (through
/// vapor/jwt-kit), with an expiry, a key id for rotation and a session id for logout.
///
/// Verification needs no database: the signature, the key id, the audience and the expiry are
/// checked in memory. Revocation is checked by ``WxAuthMiddleware`` against
/// ``LoginSessionRevocations``.
///
/// A token that verified is remembered (up to `verifiedCacheSize` tokens, until it expires), so
/// that a client's every request does not pay for a full JWT verification again: jwt-kit's takes
/// about 24 µs and 91 allocations here, the cache lookup well under one. A remembered token is
/// still checked for expiry on each use, and revocation does not depend on this cache.
public final class LoginTokenSigner: Sendable {
    private let keys: JWTKeyCollection
    private let verified: NIOLockedValueBox<[VerifiedTokenKey: VerifiedLoginToken]>
    private let verifiedCacheSize: Int
    private let signingKeyID: String
    private let acceptedKeyIDs: Set<String>
    /// The app id tokens are issued for (`aud`).
    public let audience: String
    /// The issuer (`iss`).
    public let issuer: String
    /// How long a token lives.
    public let lifetime: Duration

    /// Creates a signer.
    /// - Parameters:
    ///   - keys: The keys, newest first: the first signs, all verify.
    ///   - audience: The app id tokens are for; tokens for another audience are refused.
    ///   - issuer: The issuer name.
    ///   - lifetime: Token lifetime; 7 days by default.
    ///   - verifiedCacheSize: How many verified tokens to remember; 0 disables the cache.
    public init(
        keys: [LoginTokenKey],
        audience: String,
        issuer: String = "miniweb",
        lifetime: Duration = .seconds(7 * 24 * 3600),
        verifiedCacheSize: Int = 10_000
    ) async {
        precondition(!keys.isEmpty, "LoginTokenSigner needs at least one key")
        let collection = JWTKeyCollection()
        for key in keys {
            await collection.add(
                hmac: HMACKey(key: key.bytes),
                digestAlgorithm: .sha256,
                kid: JWKIdentifier(string: key.id),
                serializer: DefaultJWTSerializer(jsonEncoder: LoginTokenJSONEncoder())
            )
        }
        self.keys = collection
        self.signingKeyID = keys[0].id
        self.acceptedKeyIDs = Set(keys.map(\.id))
        self.audience = audience
        self.issuer = issuer
        self.lifetime = lifetime
        self.verified = NIOLockedValueBox([:])
        self.verifiedCacheSize = verifiedCacheSize
    }

    /// Issues a token for a new login session.
    /// - Parameters:
    ///   - userID: The app's user id.
    ///   - openID: The user's openid.
    ///   - unionID: The user's unionid.
    ///   - sessionID: The session id; a random one by default.
    ///   - now: The issue time.
    /// - Returns: The token.
    /// - Throws: When signing fails.
    public func issue(userID: String, openID: String, unionID: String?, sessionID: String? = nil, now: Date = Date()) async throws -> IssuedLoginToken {
        let seconds = Int(self.lifetime.components.seconds)
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))  // whole-second NumericDates
        let expiresAt = now.addingTimeInterval(Double(seconds))
        let sessionID = sessionID ?? Self.makeSessionID()
        let claims = LoginTokenClaims(
            sub: SubjectClaim(value: userID),
            aud: AudienceClaim(value: self.audience),
            iss: IssuerClaim(value: self.issuer),
            iat: IssuedAtClaim(value: now),
            exp: ExpirationClaim(value: expiresAt),
            sid: sessionID,
            openid: openID,
            unionid: unionID
        )
        let token = try await self.keys.sign(claims, kid: JWKIdentifier(string: self.signingKeyID))
        return IssuedLoginToken(token: token, sessionID: sessionID, expiresAt: expiresAt, expiresIn: seconds)
    }

    /// Verifies a token: structure, algorithm, key id, signature, audience, issuer and expiry.
    /// - Parameter token: The JWT.
    /// - Returns: Its claims.
    /// - Throws: `HTTPError` 401 `auth_expired` or `auth_invalid`.
    public func verify(_ token: String) async throws(HTTPError) -> LoginTokenClaims {
        try await self.verification(of: token).claims
    }

    /// The claims of a token this signer has verified before, found without suspending: the
    /// fast path of ``verify(_:)`` for a caller that wants to keep its own async frame small.
    /// - Parameter token: The JWT.
    /// - Returns: The claims, or `nil` when the token is not in the cache of verified tokens and
    ///   needs ``verify(_:)``.
    /// - Throws: `HTTPError` 401 `auth_expired` when the cached token has expired since.
    public func cachedClaims(of token: Substring) throws(HTTPError) -> LoginTokenClaims? {
        try self.cachedVerification(of: token)?.claims
    }

    /// ``verify(_:)``, with what the cache keeps of the token.
    func verification(of token: String) async throws(HTTPError) -> VerifiedLoginToken {
        if let verified = try self.cachedVerification(of: token[...]) {
            return verified
        }
        let verified = VerifiedLoginToken(claims: try await self.verifyFully(token), audience: self.audience)
        if self.verifiedCacheSize > 0 {
            self.verified.withLockedValue { cache in
                if cache.count >= self.verifiedCacheSize {
                    // Forget expired tokens first; if that frees nothing, start over (the cache is
                    // an optimisation: a miss costs one full verification).
                    let now = Date()
                    cache = cache.filter { $0.value.claims.exp.value > now }
                    if cache.count >= self.verifiedCacheSize { cache.removeAll(keepingCapacity: true) }
                }
                cache[VerifiedTokenKey(token[...])] = verified
            }
        }
        return verified
    }

    /// ``cachedClaims(of:)``, with what the cache keeps of the token.
    func cachedVerification(of token: Substring) throws(HTTPError) -> VerifiedLoginToken? {
        let key = VerifiedTokenKey(token)
        guard let verified = self.verified.withLockedValue({ $0[key] }) else { return nil }
        guard verified.claims.exp.value > Date() else { throw LoginTokenSigner.expired }
        return verified
    }

    private func verifyFully(_ token: String) async throws(HTTPError) -> LoginTokenClaims {
        guard let keyID = Self.keyID(of: token), self.acceptedKeyIDs.contains(keyID) else {
            throw LoginTokenSigner.invalid("The login token is malformed or signed with an unknown key.")
        }
        let claims: LoginTokenClaims
        do {
            claims = try await self.keys.verify(token, as: LoginTokenClaims.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw LoginTokenSigner.expired
        } catch {
            throw LoginTokenSigner.invalid("The login token is invalid.")
        }
        guard claims.aud.value.contains(self.audience), claims.iss.value == self.issuer else {
            throw LoginTokenSigner.invalid("The login token was issued for another app.")
        }
        return claims
    }

    /// The `kid` of a token's header, read without trusting it (it only selects the key).
    static func keyID(of token: String) -> String? {
        guard let dot = token.firstIndex(of: "."),
            let header = Data(base64URLEncoded: token[..<dot]),
            let object = try? JSONDecoder().decode([String: String].self, from: header)
        else { return nil }
        return object["kid"]
    }

    /// 401 `auth_invalid`.
    static func invalid(_ message: String) -> HTTPError {
        HTTPError(
            .unauthorized,
            code: "auth_invalid",
            message: message,
            headers: ["www-authenticate": #"Bearer realm="miniweb", error="invalid_token""#]
        )
    }

    /// 401 `auth_expired`.
    static let expired = HTTPError(
        .unauthorized,
        code: "auth_expired",
        message: "The login token has expired: log in again.",
        headers: ["www-authenticate": #"Bearer realm="miniweb", error="invalid_token", error_description="expired""#]
    )

    /// 128 random bits, base64url.
    static func makeSessionID() -> String {
        WxDataCrypto.randomBytes(16).base64URLEncodedString()
    }
}

extension Data {
    /// Base64url without padding. Base64's bytes are mapped rather than three
    /// `replacingOccurrences` calls (Foundation's, through NSString), which cost 2.5% of a login's
    /// CPU time in profiles when session ids were made that way.
    func base64URLEncodedString() -> String {
        String(
            decoding: self.base64EncodedString().utf8.compactMap { byte -> UInt8? in
                switch byte {
                case UInt8(ascii: "+"): UInt8(ascii: "-")
                case UInt8(ascii: "/"): UInt8(ascii: "_")
                case UInt8(ascii: "="): nil
                default: byte
                }
            },
            as: UTF8.self
        )
    }

    /// Decodes base64url without padding (JWT segments).
    init?(base64URLEncoded text: Substring) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
