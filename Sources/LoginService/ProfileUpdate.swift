import Foundation
import MiniWeb

/// `POST /user/profile`'s body, validated: the nickname from the mini program's nickname input and
/// the avatar URL the app stored after `chooseAvatar` (WeChat no longer hands these to new mini
/// programs through `getUserInfo`).
struct ProfileUpdate: Sendable, Equatable {
    /// The body as sent: `{"nickName"?, "avatarUrl"?}`.
    struct Body: Decodable, Sendable {
        let nickName: String?
        let avatarUrl: String?
    }

    /// The longest nickname accepted, in characters (WeChat's own limit is shorter).
    static let maxNickNameLength = 64
    /// The longest avatar URL accepted, in bytes.
    static let maxAvatarURLLength = 1024

    let nickName: String?
    let avatarURL: String?

    /// Validates a body: at least one field; a nickname of 1 to 64 characters after trimming,
    /// without control characters; an avatar URL that is an absolute `https` URL (or `http` to
    /// a loopback host, for development) of at most 1 KiB.
    /// - Throws: 422 `invalid_body` naming the field.
    init(validating body: Body) throws {
        guard body.nickName != nil || body.avatarUrl != nil else {
            throw Self.invalid("Send nickName, avatarUrl or both.")
        }
        if let raw = body.nickName {
            let nickName = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !nickName.isEmpty, nickName.count <= Self.maxNickNameLength else {
                throw Self.invalid("nickName must have 1 to \(Self.maxNickNameLength) characters.")
            }
            // Control characters, and format characters (bidi overrides and the like) except the
            // zero-width joiner that emoji sequences need.
            let forbidden = { (scalar: Unicode.Scalar) in
                let category = scalar.properties.generalCategory
                return category == .control || (category == .format && scalar != "\u{200D}")
            }
            guard !nickName.unicodeScalars.contains(where: forbidden) else {
                throw Self.invalid("nickName must not contain control characters.")
            }
            self.nickName = nickName
        } else {
            self.nickName = nil
        }
        if let raw = body.avatarUrl {
            guard raw.utf8.count <= Self.maxAvatarURLLength, let url = URL(string: raw), let host = url.host, !host.isEmpty,
                url.scheme == "https" || (url.scheme == "http" && ["127.0.0.1", "localhost", "::1"].contains(host))
            else {
                throw Self.invalid("avatarUrl must be an https URL of at most \(Self.maxAvatarURLLength) bytes.")
            }
            self.avatarURL = raw
        } else {
            self.avatarURL = nil
        }
    }

    private static func invalid(_ message: String) -> HTTPError {
        HTTPError(.unprocessableContent, code: "invalid_body", message: message)
    }
}
