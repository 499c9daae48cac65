import Foundation
import GRDB
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SampleApp as a process, killed and stopped under load.
@Suite("Process faults", .serialized)
struct ProcessFaultTests {
    @Test("SIGKILL during a burst of logins on SQLite: after a restart every answered login has its user, the database is intact")
    func sigkillDuringLogins() async throws {
        try await withTemporaryDirectory { directory in
            let database = directory.appendingPathComponent("kill.sqlite").path
            let answered = AnsweredLogins()

            try await FaultHTTP.with { http in
                try await withSampleApp(arguments: ["--database", "sqlite://\(database)", "--no-metrics"], directory: directory) { app in
                    // Eight clients log new users in as fast as they can; the process is killed
                    // once 150 logins were answered, while others are in flight.
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for _ in 0..<8 {
                            group.addTask {
                                while true {
                                    guard let answer = try? await http.login(app) else { return }  // the server is gone
                                    guard answer.status == 200 else {
                                        throw SampleAppProcessError("a login answered \(answer.status): \(answer.text)")
                                    }
                                    if let token = answer.field("token"), let openID = answer.field("openId") {
                                        answered.append(token: token, openID: openID)
                                    }
                                }
                            }
                        }
                        let deadline = ContinuousClock.now + .seconds(120)
                        while answered.count < 150 {
                            guard ContinuousClock.now < deadline else {
                                app.signal(SIGKILL)
                                throw SampleAppProcessError("only \(answered.count) logins answered in 120 s; log:\n\(app.logTail)")
                            }
                            try await Task.sleep(for: .milliseconds(5))
                        }
                        app.signal(SIGKILL)
                        try await group.waitForAll()
                    }
                    #expect(try await app.waitForExit(timeout: .seconds(10)) != nil)
                }

                // The same database, a new process: it opens, and every answered login is there.
                try await withSampleApp(arguments: ["--database", "sqlite://\(database)", "--no-metrics"], directory: directory) { app in
                    #expect(try await http.send(.GET, "\(app.apiURL)/readyz").status == 200)
                    let logins = answered.all
                    #expect(logins.count >= 150)
                    for (token, openID) in logins {
                        let me = try await http.send(.GET, "\(app.apiURL)/user/me", token: token)
                        #expect(me.status == 200, "the user of an answered login is missing: \(me.text)")
                        #expect(me.field("openId") == openID)
                    }
                }
            }

            // SQLite's own check of every page and index, and no row without its required data.
            let (check, broken, users) = try await Self.withSQLite(database) { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA integrity_check"),
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users WHERE openid = '' OR session_key_enc = '' OR login_count < 1"),
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") ?? 0
                )
            }
            #expect(check == "ok")
            #expect(broken == 0)
            #expect(users >= answered.count)
        }
    }

    @Test("SIGTERM under load: requests in flight complete, new connections are refused, the process exits in time")
    func sigtermUnderLoad() async throws {
        try await withTemporaryDirectory { directory in
            try await FaultHTTP.with { http in
                try await withSampleApp(arguments: ["--database", "sqlite://\(directory.path)/term.sqlite", "--no-metrics"], directory: directory) { app in
                    // WeChat answers logins after 1.5 s, so that they are in flight at the signal.
                    let devices = try await withThrowingTaskGroup(of: String.self) { group in
                        for _ in 0..<16 { group.addTask { try await http.deviceLogin(app) } }
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                    let fault = try await http.send(
                        .POST, "\(app.emulatorURL ?? "")/emulator/faults", json: #"{"endpoint":"sns/jscode2session","delayMilliseconds":1500}"#
                    )
                    #expect(fault.status == 204)

                    let started = ContinuousClock.now
                    async let answers = withThrowingTaskGroup(of: FaultHTTP.Answer.self) { group in
                        for device in devices {
                            group.addTask { try await http.send(.POST, "\(app.apiURL)/user/wxlogin", json: device) }
                        }
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                    try await Task.sleep(for: .milliseconds(500))
                    app.signal(SIGTERM)
                    try await Task.sleep(for: .milliseconds(300))
                    let refused = await Self.connectionRefused(port: app.port)
                    #expect(refused, "a new connection was accepted after SIGTERM")

                    let results = try await answers
                    #expect(results.count == 16)
                    #expect(results.allSatisfy { $0.status == 200 }, "\(results.map { "\($0.status) \($0.text)" })")
                    let status = try await app.waitForExit(timeout: .seconds(12))
                    #expect(status == 0, "exit status \(String(describing: status)); log:\n\(app.logTail)")
                    #expect(ContinuousClock.now - started < .seconds(12))
                }
            }
        }
    }

    /// Whether a TCP connection to the port is refused.
    static func connectionRefused(port: Int) async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(2))
                .connect(host: "127.0.0.1", port: port).get()
            try? await channel.close()
            return false
        } catch {
            return true
        }
    }

    /// Opens the database file on its own connection (GRDB, as the server does), reads, closes.
    static func withSQLite<T: Sendable>(_ path: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try await queue.read(body)
    }
}

/// The logins a test saw answered, shared by its concurrent clients.
final class AnsweredLogins: Sendable {
    private let logins = NIOLockedValueBox<[(token: String, openID: String)]>([])

    func append(token: String, openID: String) {
        self.logins.withLockedValue { $0.append((token, openID)) }
    }

    var count: Int { self.logins.withLockedValue { $0.count } }
    var all: [(token: String, openID: String)] { self.logins.withLockedValue { $0 } }
}
