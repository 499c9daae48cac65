import AsyncHTTPClient
import Foundation
import MiniWeb
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Sends requests to an application under test, in-process or over a socket (see
/// ``TestingMode``); the same calls work in both modes.
public struct TestClient: Sendable {
    enum Backend: Sendable {
        case router(Application)
        case live(HTTPClient, ServerAddress)
    }

    let backend: Backend

    /// The address of the live server, or `nil` in ``TestingMode/router`` mode.
    public var address: ServerAddress? {
        if case .live(_, let address) = self.backend { return address }
        return nil
    }

    /// Sends a request.
    /// - Parameters:
    ///   - method: The method.
    ///   - uri: The target, e.g. `/users/42?verbose=1`.
    ///   - headers: The header fields.
    ///   - body: The body bytes.
    /// - Returns: The response.
    /// - Throws: When the live server cannot be reached.
    public func execute(_ method: MiniWeb.HTTPMethod, _ uri: String, headers: Headers = Headers(), body: ByteBuffer? = nil) async throws -> TestResponse {
        switch self.backend {
        case .router(let application):
            var headers = headers
            if let body, !headers.contains("content-length") {
                headers["content-length"] = String(body.readableBytes)
            }
            let request = Request(
                method: method,
                uri: uri,
                headers: headers,
                body: body ?? ByteBuffer(),
                remoteAddress: RemoteAddress(ip: "127.0.0.1", port: 0)
            )
            let response = await application.respond(to: request)
            return TestResponse(status: response.status, headers: response.headers, body: response.body)
        case .live(let client, let address):
            var request = HTTPClientRequest(url: "\(address)\(uri)")
            request.method = NIOHTTP1.HTTPMethod(rawValue: method.rawValue)
            for (name, value) in headers {
                request.headers.add(name: name, value: value)
            }
            if let body {
                request.body = .bytes(body)
            }
            let response = try await client.execute(request, timeout: .seconds(30))
            let bytes = try await response.body.collect(upTo: 64 << 20)
            var responseHeaders = Headers()
            for header in response.headers {
                responseHeaders.add(name: header.name, value: header.value)
            }
            return TestResponse(
                status: HTTPStatus(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase),
                headers: responseHeaders,
                body: bytes
            )
        }
    }

    /// Sends a `GET`.
    public func get(_ uri: String, headers: Headers = Headers()) async throws -> TestResponse {
        try await self.execute(.get, uri, headers: headers)
    }

    /// Sends a `POST` with a body.
    public func post(_ uri: String, headers: Headers = Headers(), body: ByteBuffer? = nil) async throws -> TestResponse {
        try await self.execute(.post, uri, headers: headers, body: body)
    }

    /// Sends a `POST` with `value` encoded as a JSON body (`Content-Type: application/json`).
    public func post<Value: Encodable>(_ uri: String, headers: Headers = Headers(), json value: Value) async throws -> TestResponse {
        var headers = headers
        headers["content-type"] = "application/json"
        return try await self.execute(.post, uri, headers: headers, body: ByteBuffer(data: try JSONEncoder().encode(value)))
    }
}

extension TestClient {
    /// Runs `body` with a client for a server that is already running (another process, or a
    /// service started by the test), and shuts the client down afterwards.
    /// - Parameters:
    ///   - address: The server's address.
    ///   - body: The test.
    /// - Returns: What `body` returns.
    public static func withClient<Value: Sendable>(connectingTo address: ServerAddress, _ body: (TestClient) async throws -> Value) async throws -> Value {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let result: Result<Value, any Error>
        do {
            result = .success(try await body(TestClient(backend: .live(client, address))))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        return try result.get()
    }
}
