import Foundation

/// Reads a process's resident memory and open file descriptors from `/proc`, telling apart the
/// sockets of clients' connections to it and its own pooled connections to WeChat (which
/// AsyncHTTPClient keeps open for reuse, up to its idle timeout).
struct ProcessProbe: Sendable {
    let pid: Int32
    /// The server's port: sockets with this local port are clients' connections (or the listener).
    let serverPort: Int
    /// WeChat's (the emulator's) port: sockets with this remote port are the upstream pool.
    let upstreamPort: Int

    struct Sample: Sendable {
        let residentKiB: Int
        let fileDescriptors: Int
        /// Established connections from clients.
        let inbound: Int
        /// Connections to WeChat kept in the client's pool.
        let upstream: Int
        /// Everything else: files, the listener, event loops' descriptors.
        var others: Int { self.fileDescriptors - self.inbound - self.upstream }
    }

    func sample() throws -> Sample {
        let status = try Self.read("/proc/\(self.pid)/status")
        let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first }
            .flatMap { Int($0) } ?? 0
        let sockets = Self.tcpSockets()
        var descriptors = 0
        var inbound = 0
        var upstream = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: "/proc/\(self.pid)/fd") {
            descriptors += 1
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(self.pid)/fd/\(name)"),
                target.hasPrefix("socket:["), let socket = sockets[String(target.dropFirst(8).dropLast())]
            else { continue }
            if socket.localPort == self.serverPort && socket.remotePort != 0 {
                inbound += 1
            } else if socket.remotePort == self.upstreamPort {
                upstream += 1
            }
        }
        return Sample(residentKiB: rss, fileDescriptors: descriptors, inbound: inbound, upstream: upstream)
    }

    /// A `/proc` file, read to its end (`String(contentsOfFile:)` stops after the first page of
    /// `/proc/net/tcp`, whose size the kernel reports as 0).
    private static func read(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        defer { try? handle.close() }
        return String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
    }

    /// inode → ports, from `/proc/net/tcp` and `/proc/net/tcp6`.
    private static func tcpSockets() -> [String: (localPort: Int, remotePort: Int)] {
        var sockets: [String: (localPort: Int, remotePort: Int)] = [:]
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? Self.read(table) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 9, let local = fields[1].split(separator: ":").last, let remote = fields[2].split(separator: ":").last,
                    let localPort = Int(local, radix: 16), let remotePort = Int(remote, radix: 16)
                else { continue }
                sockets[String(fields[9])] = (localPort, remotePort)
            }
        }
        return sockets
    }
}
