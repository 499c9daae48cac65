import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server of the test's own, in a temporary folder, that the test can stop and start
/// again (the shared server of `MINIWEB_TEST_POSTGRES_URL` serves other tests meanwhile).
///
/// PostgreSQL refuses to run as root, so as root its commands run as the `postgres` user.
final class ThrowawayPostgres: @unchecked Sendable {
    // @unchecked: immutable after init; the server process is managed through pg_ctl.
    let directory: URL
    private(set) var port = 0
    private let binaries: URL

    /// PostgreSQL's `bin` folder (`/usr/lib/postgresql/<version>/bin`), if installed.
    static var binaries: URL? {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return versions.compactMap(Int.init).sorted().last.map { root.appendingPathComponent("\($0)/bin") }
            .flatMap { FileManager.default.fileExists(atPath: $0.appendingPathComponent("pg_ctl").path) ? $0 : nil }
    }

    /// `postgres://...` for SampleApp's `--database`.
    var url: String { "postgres://postgres@127.0.0.1:\(self.port)/postgres?sslmode=disable" }

    /// Creates a cluster (initdb) and starts it on a free port.
    init() async throws {
        guard let binaries = Self.binaries else { throw SampleAppProcessError("PostgreSQL is not installed") }
        self.binaries = binaries
        self.directory = URL(fileURLWithPath: "/tmp/miniweb-fault-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            try Self.run("/bin/chown", ["postgres:postgres", self.directory.path], output: "/dev/null")
        }
        try self.pg("initdb", ["-D", "\(self.directory.path)/data", "-A", "trust", "-U", "postgres"])
        // A port free when chosen can be taken before the server binds it (other tests start
        // servers in parallel): on "Address already in use", start again on another port.
        for attempt in 1...5 {
            self.port = try Self.freePort()
            do {
                try self.start()
                return
            } catch where attempt < 5 && self.serverLog.contains("Address already in use") {
                try? FileManager.default.removeItem(at: self.directory.appendingPathComponent("log"))
            }
        }
    }

    private var serverLog: String {
        (try? String(contentsOf: self.directory.appendingPathComponent("log"), encoding: .utf8)) ?? ""
    }

    /// Starts the server and waits until it accepts connections.
    func start() throws {
        try self.pg("pg_ctl", [
            "-D", "\(self.directory.path)/data", "-l", "\(self.directory.path)/log", "-w",
            "-o", "-p \(self.port) -k \(self.directory.path) -c listen_addresses=127.0.0.1", "start",
        ])
    }

    /// Stops the server at once (`-m fast`: sessions are ended, as in a failover).
    func stop() throws {
        try self.pg("pg_ctl", ["-D", "\(self.directory.path)/data", "-m", "fast", "-w", "stop"])
    }

    /// Stops the server if it runs and removes its files.
    func destroy() {
        try? self.stop()
        try? FileManager.default.removeItem(at: self.directory)
    }

    private func pg(_ tool: String, _ arguments: [String]) throws {
        let path = self.binaries.appendingPathComponent(tool).path
        if getuid() == 0 {
            let command = ([path] + arguments).map { "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }.joined(separator: " ")
            try self.run("/bin/su", ["postgres", "-s", "/bin/sh", "-c", command])
        } else {
            try self.run(path, arguments)
        }
    }

    /// Runs a command to its end, its output going to `output` (posix_spawn and waitpid rather
    /// than Foundation's `Process`: `pg_ctl start` leaves a server behind that inherits the
    /// command's descriptors, and `Process.waitUntilExit` then waits for the server too).
    private func run(_ executable: String, _ arguments: [String]) throws {
        try Self.run(executable, arguments, output: "\(self.directory.path)/commands.log")
    }

    private static func run(_ executable: String, _ arguments: [String], output: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o666)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw SampleAppProcessError("cannot run \(executable): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED && WEXITSTATUS == 0
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            let log = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            throw SampleAppProcessError("\(executable) \(arguments.joined(separator: " ")) failed (status \(status)):\n\(log.suffix(2000))")
        }
    }

    /// A port nothing listens on now, below Linux's ephemeral range (32768 and up), which the
    /// kernel hands to every port-0 listener and outgoing connection of the tests running
    /// meanwhile: a port from there was taken before PostgreSQL could bind it.
    private static func freePort() throws -> Int {
        for _ in 0..<100 {
            let port = Int.random(in: 20_000..<30_000)
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { throw SampleAppProcessError("socket() failed") }
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
            if bound == 0 { return port }
        }
        throw SampleAppProcessError("no free port between 20000 and 30000")
    }
}
