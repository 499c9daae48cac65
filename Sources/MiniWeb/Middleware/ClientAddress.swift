/// Which address a request really comes from, behind trusted reverse proxies.
///
/// `X-Forwarded-For` is honoured only when the connection comes from a trusted proxy (anyone can
/// send the header): then the client is the rightmost address in it that is not itself a trusted
/// proxy. Otherwise the client is the connection's address.
public struct ClientAddressResolver: Sendable {
    /// The proxies' addresses (exact IPs).
    public let trustedProxies: Set<String>

    /// Creates a resolver.
    /// - Parameter trustedProxies: The reverse proxies' addresses, e.g. `["127.0.0.1", "10.0.0.2"]`.
    public init(trustedProxies: Set<String> = []) {
        self.trustedProxies = trustedProxies
    }

    /// The client's address, or `nil` for a request that has none (in-process tests) or that a
    /// trusted proxy sent on its own behalf.
    public func clientAddress(of request: Request) -> String? {
        guard let remote = request.remoteAddress?.ip else { return nil }
        guard self.trustedProxies.contains(remote) else { return remote }
        let forwarded = request.headers.values(for: "x-forwarded-for")
            .flatMap { $0.split(separator: ",") }
            .map { String($0.trimmingWhitespace()) }
            .filter { !$0.isEmpty }
        return forwarded.last { !self.trustedProxies.contains($0) }
    }
}
