/// An app's cached access token, refreshed by one caller at a time.
///
/// When the token is missing or about to expire, the first caller starts the refresh and every
/// concurrent caller awaits that same refresh: a hundred callers cause one upstream call.
actor WxAccessTokenCache {
    /// A token and when it stops being served from the cache.
    struct Entry: Sendable {
        let token: String
        let refreshAt: ContinuousClock.Instant
    }

    /// Fetches a new token: `(token, expires_in seconds)`.
    typealias Fetch = @Sendable (_ forceRefresh: Bool) async throws(WxError) -> (String, Int)

    private var entry: Entry?
    private var refresh: Task<Entry, any Error>?
    private let refreshMargin: Duration

    init(refreshMargin: Duration) {
        self.refreshMargin = refreshMargin
    }

    /// A valid token: the cached one, or a fresh one.
    /// - Parameters:
    ///   - rejected: A token WeChat has just refused (40001/42001): it is dropped from the cache,
    ///     and if the refresh returns it again, a forced refresh follows.
    ///   - fetch: Calls WeChat.
    func token(rejecting rejected: String? = nil, fetch: @escaping Fetch) async throws(WxError) -> String {
        if let rejected, self.entry?.token == rejected {
            self.entry = nil
        }
        if let entry = self.entry, ContinuousClock.now < entry.refreshAt {
            return entry.token
        }
        let task: Task<Entry, any Error>
        if let running = self.refresh {
            task = running
        } else {
            let margin = self.refreshMargin
            task = Task {
                var (token, expiresIn) = try await fetch(false)
                if token == rejected {
                    (token, expiresIn) = try await fetch(true)
                }
                // Refresh `margin` before expiry, but never cache for less than half the lifetime.
                let lifetime = Duration.seconds(max(expiresIn, 1))
                let keep = max(lifetime - margin, lifetime / 2)
                return Entry(token: token, refreshAt: ContinuousClock.now + keep)
            }
            self.refresh = task
        }
        do {
            let entry = try await task.value
            if self.refresh == task {
                self.entry = entry
                self.refresh = nil
            }
            return entry.token
        } catch {
            if self.refresh == task { self.refresh = nil }
            throw (error as? WxError) ?? WxError(.upstreamError, endpoint: "cgi-bin/stable_token", detail: "token refresh failed")
        }
    }
}
