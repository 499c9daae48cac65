import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One simulated mini program user repeating the login cycle until the deadline.
struct VirtualUser: Sendable {
    let index: Int
    let api: String
    let emulator: String
    let appID: String
    let client: HTTPClient
    let tally: SoakTallyBox

    /// The steps of one cycle, with the status each expects.
    enum Step: String, CaseIterable, Sendable {
        case device = "device login (emulator)"
        case login = "POST /user/wxlogin"
        case me = "GET /user/me"
        case logout = "POST /user/logout"
        case meAfterLogout = "GET /user/me after logout"

        var expected: Int {
            switch self {
            case .device, .login, .me: 200
            case .logout: 204
            case .meAfterLogout: 401
            }
        }
    }

    func run(until deadline: ContinuousClock.Instant) async {
        let openID = "osoak\(self.index)-\(UInt32.random(in: 0...UInt32.max))"
        while ContinuousClock.now < deadline {
            guard let device = await self.send(.device, .POST, "\(self.emulator)/emulator/device/login", json: #"{"appid":"\#(self.appID)","openid":"\#(openID)"}"#),
                let login = await self.send(.login, .POST, "\(self.api)/user/wxlogin", json: device),
                let token = Self.token(in: login)
            else {
                continue
            }
            for _ in 0..<8 {
                _ = await self.send(.me, .GET, "\(self.api)/user/me", token: token)
            }
            _ = await self.send(.logout, .POST, "\(self.api)/user/logout", token: token)
            _ = await self.send(.meAfterLogout, .GET, "\(self.api)/user/me", token: token)
        }
    }

    /// Sends one request and records its outcome.
    /// - Returns: The body when the status was the expected one.
    private func send(_ step: Step, _ method: HTTPMethod, _ url: String, json: String? = nil, token: String? = nil) async -> String? {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let json {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        if let token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        let start = ContinuousClock.now
        do {
            let response = try await self.client.execute(request, timeout: .seconds(30))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
            let status = Int(response.status.code)
            self.tally.record(step: step, status: status, latency: ContinuousClock.now - start, body: body)
            return status == step.expected ? body : nil
        } catch {
            self.tally.recordError(step: step, error: error)
            return nil
        }
    }

    private static func token(in body: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return nil }
        return object["token"] as? String
    }
}
