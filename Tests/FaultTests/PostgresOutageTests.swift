import Foundation
import NIOHTTP1
import Testing

/// SampleApp on PostgreSQL while the database server stops and comes back.
@Suite(
    "PostgreSQL outage",
    .serialized,
    .enabled(if: ThrowawayPostgres.binaries != nil, "PostgreSQL is not installed here (.ci/run installs it)")
)
struct PostgresOutageTests {
    @Test("PostgreSQL stops: logins, /user/me and /readyz answer 503 JSON quickly; service returns by itself when it is back")
    func outageAndRecovery() async throws {
        let postgres = try await ThrowawayPostgres()
        defer { postgres.destroy() }
        try await withTemporaryDirectory { directory in
            try await FaultHTTP.with { http in
                try await withSampleApp(arguments: ["--database", postgres.url, "--no-metrics", "--database-timeout", "2"], directory: directory) { app in
                    let login = try await http.login(app)
                    #expect(login.status == 200, "\(login.text)")
                    let token = try #require(login.field("token"))
                    let openID = try #require(login.field("openId"))
                    #expect(try await http.send(.GET, "\(app.apiURL)/readyz").status == 200)

                    try postgres.stop()

                    // Readiness fails, and a login (which writes the user) fails with 503, each
                    // within the database timeout (2 s here) rather than waiting for PostgreSQL.
                    let ready = try await http.send(.GET, "\(app.apiURL)/readyz", timeout: .seconds(20))
                    #expect(ready.status == 503)
                    #expect(ready.errorCode == "database_unavailable")
                    #expect(ready.elapsed < .seconds(5), "readyz took \(ready.elapsed)")
                    let refused = try await http.login(app, openID: openID)
                    #expect(refused.status == 503, "\(refused.text)")
                    #expect(refused.errorCode == "database_unavailable")
                    #expect(refused.elapsed < .seconds(5), "the login took \(refused.elapsed)")
                    // /user/me answers from memory for a few seconds (tokens need no database, the
                    // user is cached for 5 s), then needs the database.
                    try await Task.sleep(for: .seconds(5.5))
                    let me = try await http.send(.GET, "\(app.apiURL)/user/me", token: token, timeout: .seconds(20))
                    #expect(me.status == 503, "\(me.text)")
                    #expect(me.errorCode == "database_unavailable")
                    #expect(me.elapsed < .seconds(5), "/user/me took \(me.elapsed)")
                    #expect(try await http.send(.GET, "\(app.apiURL)/healthz").status == 200, "the process itself is fine")

                    // PostgreSQL returns: SampleApp serves again without a restart.
                    try postgres.start()
                    let deadline = ContinuousClock.now + .seconds(20)
                    var readyAgain = false
                    while ContinuousClock.now < deadline {
                        if (try? await http.send(.GET, "\(app.apiURL)/readyz", timeout: .seconds(10)))?.status == 200 {
                            readyAgain = true
                            break
                        }
                        try await Task.sleep(for: .milliseconds(200))
                    }
                    #expect(readyAgain, "not ready 20 s after PostgreSQL came back; log:\n\(app.logTail)")
                    let again = try await http.login(app, openID: openID)
                    #expect(again.status == 200, "\(again.text)")
                    #expect(again.field("openId") == openID)
                    let meAgain = try await http.send(.GET, "\(app.apiURL)/user/me", token: token)
                    #expect(meAgain.status == 200, "the token of before the outage still works")
                    #expect(app.process.isRunning)
                }
            }
        }
    }
}
