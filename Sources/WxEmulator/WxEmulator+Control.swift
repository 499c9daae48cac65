import Foundation
import MiniWeb
import MiniWebWxLogin
import NIOCore
import NIOFoundationCompat

extension WxEmulator {
    /// The device side and the test controls, under `/emulator`.
    func addControlRoutes(to router: Router) {
        let emulator = router.group("/emulator")
        // Plays the mini program: `{"appid": ..., "openid"?: ..., "user"?: {...}}` → a WxDeviceLogin.
        emulator.post("/device/login") { request in
            struct Body: Decodable {
                let appid: String
                let openid: String?
                let user: WxEmulatedUser?
            }
            let body = try request.decode(Body.self)
            do {
                let login = try await self.login(appID: body.appid, user: body.user, openID: body.openid)
                return try Response.json(login)
            } catch let error as WxEmulatorError {
                throw HTTPError(.badRequest, code: "unknown_app", message: error.description)
            }
        }
        emulator.post("/faults") { request in
            await self.inject(try request.decode(WxEmulatorFault.self))
            return HTTPStatus.noContent
        }
        emulator.delete("/faults") { _ in
            await self.clearFaults()
            return HTTPStatus.noContent
        }
        emulator.post("/expire-tokens") { _ in
            await self.expireAccessTokens()
            return HTTPStatus.noContent
        }
        // The load-test users' payloads as a Lua table, for wrk scripts:
        // `payloads = { {encryptedData = "...", iv = "..."}, ... }`.
        emulator.get("/benchmark/payloads.lua") { request in
            let appID = try request.query.require("appid")
            let payloads = try await self.state.benchmarkPayloads(appID: appID)
            let entries = payloads.map { "  {encryptedData = \"\($0.encryptedData)\", iv = \"\($0.iv)\"}," }
            return Response.text((["payloads = {"] + entries + ["}"]).joined(separator: "\n") + "\n")
        }
        emulator.get("/calls") { _ in
            try Response.json(await self.callCounts())
        }
    }
}
