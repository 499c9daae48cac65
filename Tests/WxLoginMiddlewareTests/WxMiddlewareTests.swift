import Foundation
import MiniWeb
import MiniWebTesting
import MiniWebWxLogin
import Testing

@Suite("WeChat middleware")
struct WxMiddlewareTests {
    static func signer(lifetime: Duration = .seconds(60), keys: [LoginTokenKey]? = nil) async -> LoginTokenSigner {
        await LoginTokenSigner(keys: keys ?? [.derived(fromSecret: "middleware-test-secret-0123456789")], audience: "wx-app", lifetime: lifetime)
    }

    @Test("request.wxUser without a WeChat middleware is a 500 whose log names the missing middleware")
    func missingMiddleware() async throws {
        let logs = LogCapture()
        let router = Router()
        router.get("/unguarded") { request in try request.wxUser.openID }
        router.get("/optional") { request in request.wxUserIfPresent?.openID ?? "anonymous" }
        let app = try Application(router: router, logger: logs.logger())
        try await app.test(.router) { (client) async throws in
            let response = try await client.get("/unguarded")
            #expect(response.status == .internalServerError)
            #expect(response.error?.error == "internal_error")
            #expect(!response.text.contains("WxLoginMiddleware"))
            #expect(try await client.get("/optional").text == "anonymous")
        }
        #expect(logs.text.contains("neither WxLoginMiddleware nor WxAuthMiddleware ran for this route"))
        #expect(logs.text.contains("/unguarded"))
    }

    @Test("the auth middleware attaches the token's user; the anonymous variant lets requests without a token through")
    func authMiddleware() async throws {
        let signer = await Self.signer()
        let revocations = LoginSessionRevocations(feed: nil)
        let router = Router()
        let strict = router.group("/strict", middleware: [WxAuthMiddleware(signer: signer, revocations: revocations)])
        strict.get("/who") { request in "\(try request.wxUser.userID ?? "-") \(try request.wxUser.openID)" }
        let lenient = router.group("/lenient", middleware: [WxAuthMiddleware(signer: signer, revocations: revocations, allowAnonymous: true)])
        lenient.get("/who") { request in request.wxUserIfPresent?.openID ?? "anonymous" }
        let app = try Application(router: router)
        let token = try await signer.issue(userID: "42", openID: "o-42", unionID: "u-42")
        try await app.test(.router) { (client) async throws in
            let auth: Headers = ["authorization": "Bearer \(token.token)"]
            #expect(try await client.get("/strict/who", headers: auth).text == "42 o-42")
            #expect(try await client.get("/strict/who").error?.error == "auth_required")
            #expect(try await client.get("/strict/who", headers: ["authorization": "bearer \(token.token)"]).text == "42 o-42")
            #expect(try await client.get("/strict/who", headers: ["authorization": "BEARER   \(token.token)"]).text == "42 o-42")
            #expect(try await client.get("/strict/who", headers: ["authorization": "Bearer "]).error?.error == "auth_invalid")
            #expect(try await client.get("/strict/who", headers: ["authorization": "Bearer"]).error?.error == "auth_invalid")
            #expect(try await client.get("/strict/who", headers: ["authorization": "Bearez \(token.token)"]).error?.error == "auth_invalid")
            #expect(try await client.get("/lenient/who").text == "anonymous")
            #expect(try await client.get("/lenient/who", headers: auth).text == "o-42")
            #expect(try await client.get("/lenient/who", headers: ["authorization": "Bearer nonsense"]).error?.error == "auth_invalid")

            revocations.add([RevokedSession(sessionID: token.sessionID, revokedAt: Date(), expiresAt: token.expiresAt)])
            #expect(try await client.get("/strict/who", headers: auth).error?.error == "auth_invalid")
        }
    }

    @Test("key rotation: tokens of an older key verify until it is retired; another app's tokens never do")
    func keyRotation() async throws {
        let old = LoginTokenKey.derived(fromSecret: "the old signing secret, 32 chars long")
        let new = LoginTokenKey.derived(fromSecret: "the new signing secret, 32 chars long")
        #expect(old.id != new.id)
        let before = await Self.signer(keys: [old])
        let rotated = await Self.signer(keys: [new, old])
        let retired = await Self.signer(keys: [new])
        let oldToken = try await before.issue(userID: "1", openID: "o", unionID: nil)
        #expect(try await rotated.verify(oldToken.token).userID == "1")
        let newToken = try await rotated.issue(userID: "2", openID: "o", unionID: nil)
        #expect(LoginTokenSignerKID.of(newToken.token) == new.id)
        await #expect(throws: HTTPError.self) { try await retired.verify(oldToken.token) }
        #expect(try await retired.verify(newToken.token).userID == "2")

        let otherApp = await LoginTokenSigner(keys: [new], audience: "wx-other-app")
        let foreign = try await otherApp.issue(userID: "3", openID: "o", unionID: nil)
        do {
            _ = try await retired.verify(foreign.token)
            Issue.record("a token for another app verified")
        } catch {
            #expect(error.code == "auth_invalid")
        }
    }

    @Test("tokens with alg none or another algorithm are refused")
    func algorithmConfusion() async throws {
        let signer = await Self.signer()
        let token = try await signer.issue(userID: "1", openID: "o", unionID: nil)
        let parts = token.token.split(separator: ".").map(String.init)
        let kid = try #require(LoginTokenSignerKID.of(token.token))
        func segment(_ json: String) -> String {
            Data(json.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        for alg in ["none", "HS512", "RS256"] {
            let header = segment(#"{"alg":"\#(alg)","typ":"JWT","kid":"\#(kid)"}"#)
            for signature in ["", parts[2]] {
                await #expect(throws: HTTPError.self, "alg \(alg)") { try await signer.verify("\(header).\(parts[1]).\(signature)") }
            }
        }
    }

    @Test("the code replay guard remembers codes for at least half its window and the newest half of its capacity")
    func replayGuard() async throws {
        // Two generations of two codes each, each living 100 ms.
        let guardian = WxCodeReplayGuard(window: .milliseconds(200), capacity: 4)
        #expect(guardian.markSeen("a"))
        #expect(!guardian.markSeen("a"))
        #expect(guardian.markSeen("b"))
        #expect(guardian.markSeen("c"))  // a new generation: {a, b} is the previous one
        #expect(!guardian.markSeen("a"), "the previous generation is still remembered")
        #expect(guardian.markSeen("d"))
        #expect(guardian.markSeen("e"))  // {c, d} becomes the previous generation; {a, b} is gone
        #expect(guardian.markSeen("a"), "beyond the capacity, the oldest codes are forgotten")
        #expect(!guardian.markSeen("d"))
        try await Task.sleep(for: .milliseconds(250))  // more than the whole window
        #expect(guardian.markSeen("d"))
        #expect(guardian.markSeen("e"))
    }
}
