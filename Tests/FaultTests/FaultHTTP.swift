import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A small HTTP client for the fault tests: absolute URLs (SampleApp and its emulator listen on
/// different ports), a deadline per request, and the answer as status and text.
struct FaultHTTP: Sendable {
    let client: HTTPClient

    struct Answer: Sendable {
        let status: Int
        let text: String
        let elapsed: Duration

        /// The `error` field of MiniWeb's error shape.
        var errorCode: String? {
            guard let object = try? JSONSerialization.jsonObject(with: Data(self.text.utf8)) as? [String: Any] else { return nil }
            return object["error"] as? String
        }

        /// A string field of a JSON object answer (`token`), or of its `userinfo` (`openId`).
        func field(_ name: String) -> String? {
            guard let object = try? JSONSerialization.jsonObject(with: Data(self.text.utf8)) as? [String: Any] else { return nil }
            return (object[name] as? String) ?? ((object["userinfo"] as? [String: Any])?[name] as? String)
        }
    }

    static func with<Value>(_ body: (FaultHTTP) async throws -> Value) async throws -> Value {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let value = try await body(FaultHTTP(client: client))
            try await client.shutdown()
            return value
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    func send(_ method: HTTPMethod, _ url: String, json: String? = nil, token: String? = nil, timeout: Duration = .seconds(30)) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let json {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        if let token {
            request.headers.add(name: "authorization", value: "Bearer \(token)")
        }
        let start = ContinuousClock.now
        let response = try await self.client.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), text: String(buffer: body), elapsed: ContinuousClock.now - start)
    }

    /// The emulated mini program logs in and gets a fresh code (and user, unless `openID` names one).
    func deviceLogin(_ app: SampleAppProcess, openID: String? = nil) async throws -> String {
        let openIDField = openID.map { #","openid":"\#($0)""# } ?? ""
        let answer = try await self.send(.POST, "\(app.emulatorURL ?? "")/emulator/device/login", json: #"{"appid":"\#(app.appID)"\#(openIDField)}"#)
        guard answer.status == 200 else { throw SampleAppProcessError("device login answered \(answer.status): \(answer.text)") }
        return answer.text
    }

    /// A full login: device login, then `POST /user/wxlogin` with what the device got.
    func login(_ app: SampleAppProcess, openID: String? = nil) async throws -> Answer {
        let device = try await self.deviceLogin(app, openID: openID)
        return try await self.send(.POST, "\(app.apiURL)/user/wxlogin", json: device)
    }
}
