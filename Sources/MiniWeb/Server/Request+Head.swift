import NIOHTTP1

extension Request {
    /// A request as NIO's parser delivered it: its head, its whole body, and where it came from.
    init(head: HTTPRequestHead, body: ByteBuffer, remoteAddress: RemoteAddress?, id: String) {
        self.init(
            method: HTTPMethod(rawValue: head.method.rawValue),
            uri: head.uri,
            version: HTTPVersion(major: head.version.major, minor: head.version.minor),
            headers: Headers(storage: head.headers),
            body: body,
            remoteAddress: remoteAddress,
            id: id
        )
    }
}
