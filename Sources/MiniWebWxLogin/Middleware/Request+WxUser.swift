import MiniWeb

/// Where the WeChat middleware keeps the request's user.
enum WxUserKey: RequestStorageKey {
    typealias Value = WxUser
}

extension Request {
    /// The WeChat user that ``WxLoginMiddleware`` or ``WxAuthMiddleware`` attached.
    ///
    /// - Throws: A server error (500 to the client, logged with a message naming the missing
    ///   middleware) when neither middleware ran for this route: a wiring mistake, not the
    ///   client's.
    public var wxUser: WxUser {
        get throws {
            guard let user = self.storage[WxUserKey.self] else {
                throw WxUserMissingError(route: self.route ?? String(self.path))
            }
            return user
        }
    }

    /// The WeChat user, or `nil` when no WeChat middleware attached one (e.g. behind
    /// ``WxAuthMiddleware`` with anonymous requests allowed).
    public var wxUserIfPresent: WxUser? {
        self.storage[WxUserKey.self]
    }

    /// Attaches a user (what the WeChat middleware does; useful in tests).
    public mutating func setWxUser(_ user: WxUser?) {
        self.storage[WxUserKey.self] = user
    }
}

/// `request.wxUser` was read on a route that no WeChat middleware guards. Deliberately not an
/// `HTTPError`: the client gets a generic 500 and the log gets this message.
struct WxUserMissingError: Error, CustomStringConvertible {
    let route: String

    var description: String {
        "request.wxUser was read on \(self.route), but neither WxLoginMiddleware nor WxAuthMiddleware ran for this route: "
            + "mount one of them on the route or its group (or use request.wxUserIfPresent)"
    }
}
