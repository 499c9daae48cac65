import Foundation
import MiniWeb
import MiniWebWxLogin
import NIOCore
import NIOFoundationCompat

extension WxEmulator {
    /// WeChat's endpoints.
    func addWeChatRoutes(to router: Router) {
        router.get("/sns/jscode2session") { request in
            await self.answer("sns/jscode2session") { state in
                await state.code2Session(
                    appID: request.query["appid"],
                    secret: request.query["secret"],
                    code: request.query["js_code"],
                    grantType: request.query["grant_type"]
                )
            }
        }
        router.get("/cgi-bin/token") { request in
            await self.answer("cgi-bin/token") { state in
                guard request.query["grant_type"] == "client_credential" else { return .error(40002, "invalid grant_type") }
                return await state.issueToken(appID: request.query["appid"], secret: request.query["secret"], stable: false, forceRefresh: false)
            }
        }
        router.post("/cgi-bin/stable_token") { request in
            struct Body: Decodable {
                let grant_type: String?
                let appid: String?
                let secret: String?
                let force_refresh: Bool?
            }
            let body = try? JSONDecoder().decode(Body.self, from: request.body)
            return await self.answer("cgi-bin/stable_token") { state in
                guard let body else { return .error(47001, "data format error") }
                guard body.grant_type == "client_credential" else { return .error(40002, "invalid grant_type") }
                return await state.issueToken(appID: body.appid, secret: body.secret, stable: true, forceRefresh: body.force_refresh ?? false)
            }
        }
        for (path, reset) in [("wxa/checksession", false), ("wxa/resetusersessionkey", true)] {
            router.get("/" + path) { request in
                await self.answer(path) { state in
                    await state.checkSession(
                        accessToken: request.query["access_token"],
                        openID: request.query["openid"],
                        signature: request.query["signature"],
                        sigMethod: request.query["sig_method"],
                        reset: reset
                    )
                }
            }
        }
        router.post("/wxa/business/getuserphonenumber") { request in
            struct Body: Decodable { let code: String? }
            let body = try? JSONDecoder().decode(Body.self, from: request.body)
            return await self.answer("wxa/business/getuserphonenumber") { state in
                guard let body else { return .error(47001, "data format error") }
                return await state.phoneNumber(accessToken: request.query["access_token"], code: body.code)
            }
        }
    }

    /// Counts the call, applies any fault, and renders the answer as WeChat does: JSON served as
    /// `text/plain`, `errcode` only on errors (and `errcode: 0` with `errmsg: ok` on the endpoints
    /// that send it).
    private func answer(_ endpoint: String, _ work: (WxEmulatorState) async -> WxEmulatorState.Answer) async -> Response {
        let fault = await self.state.record(endpoint)
        if let delay = fault?.delayMilliseconds {
            try? await Task.sleep(for: .milliseconds(delay))
        }
        var object: [String: Any]
        if let errcode = fault?.errcode {
            object = ["errcode": errcode, "errmsg": "emulated error"]
        } else {
            switch await work(self.state) {
            case .ok(let fields):
                object = fields
                if endpoint.hasPrefix("wxa/") { object["errcode"] = 0; object["errmsg"] = "ok" }
            case .error(let errcode, let errmsg):
                object = ["errcode": errcode, "errmsg": "\(errmsg), rid: \(WxEmulatedUser.randomID(prefix: "", length: 8))"]
            }
        }
        let json = (try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])) ?? Data("{}".utf8)
        var response = Response(
            status: fault?.httpStatus.map { HTTPStatus(code: $0) } ?? .ok,
            headers: ["content-type": "text/plain"],
            body: ByteBuffer(data: json)
        )
        switch fault?.body {
        case .truncated:
            response.body = ByteBuffer(data: json.prefix(json.count / 2))
        case .html:
            response.headers["content-type"] = "text/html; charset=utf-8"
            response.body = ByteBuffer(string: "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>")
        case .huge:
            response.body = ByteBuffer(repeating: UInt8(ascii: " "), count: 10 << 20)
        case .normal, nil:
            break
        }
        return response
    }
}
