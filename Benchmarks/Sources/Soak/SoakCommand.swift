import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// Drives mixed login traffic at a running SampleApp and checks that it keeps answering, loses
/// nothing and leaks nothing: every answer's status is the one its step expects, no socket
/// error, resident memory after warm-up grows less than 10%, and once the load ends the server's
/// open file descriptors are back to their count at the start (its pooled keep-alive connections
/// to WeChat aside, which are counted separately).
///
/// Each virtual user holds one connection's worth of traffic and repeats: the emulated device
/// logs in (`POST /emulator/device/login`), `POST /user/wxlogin` (200), eight `GET /user/me`
/// (200), `POST /user/logout` (204), `GET /user/me` with the logged-out token (401).
@main
struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "Soak", abstract: "Soak a running SampleApp with mixed login traffic.")

    @Option(help: "SampleApp's base URL.")
    var api: String

    @Option(help: "The WeChat emulator's base URL (its device endpoint plays the mini program).")
    var emulator: String

    @Option(help: "The app id SampleApp serves.")
    var appID: String

    @Option(help: "The server's process id (for its memory and file descriptors).")
    var pid: Int32

    @Option(help: "Concurrent virtual users (one connection each).")
    var connections: Int = 256

    @Option(help: "Seconds of warm-up load before the measured load.")
    var warmup: Int = 10

    @Option(help: "Seconds of measured load.")
    var duration: Int = 60

    @Option(help: "Largest accepted growth of resident memory from after warm-up to the end, in percent.")
    var maxMemoryGrowth: Double = 10

    func run() async throws {
        guard let serverPort = URL(string: self.api)?.port, let upstreamPort = URL(string: self.emulator)?.port else {
            throw ValidationError("--api and --emulator need explicit ports.")
        }
        let probe = ProcessProbe(pid: self.pid, serverPort: serverPort, upstreamPort: upstreamPort)
        let start = try probe.sample()
        print("soak: \(self.connections) virtual users, \(self.warmup) s warm-up, \(self.duration) s load, server pid \(self.pid)")
        print("soak: at start: RSS \(start.residentKiB) KiB, \(start.fileDescriptors) open descriptors")

        // One continuous load: the warm-up is its first part, after which the baseline is
        // taken under the same load (same connections), and the figures are for the rest.
        let measured = try await self.load(warmup: self.warmup, seconds: self.duration, probe: probe)
        try await Task.sleep(for: .seconds(2))  // the server sees the closed connections
        let after = try probe.sample()

        let warmResident = measured.warmResidentKiB
        let endResident = measured.lastResidentKiB
        let growth = 100 * (Double(endResident) - Double(warmResident)) / Double(warmResident)
        print("")
        print(measured.table())
        print("")
        print("| figure | value | limit |")
        print("|---|---|---|")
        print("| requests after warm-up (\(self.duration) s) | \(measured.measuredRequests) (\(Int(Double(measured.measuredRequests) / Double(self.duration)))/s) | |")
        print("| unexpected statuses (whole run) | \(measured.unexpected) | 0 |")
        print("| socket errors (whole run) | \(measured.socketErrors) | 0 |")
        print("| RSS under load: end of warm-up → end of load | \(warmResident) → \(endResident) KiB (\(String(format: "%+.1f", growth))%) | < \(Int(self.maxMemoryGrowth))% |")
        print("| RSS every 5 s (MiB), warm-up included | \(measured.residentSeries.map { String(format: "%.0f", Double($0) / 1024) }.joined(separator: " ")) | |")
        print("| RSS idle after the load | \(after.residentKiB) KiB | |")
        print("| open descriptors: start / peak / after load | \(start.fileDescriptors) / \(measured.peakFileDescriptors) / \(after.fileDescriptors) | |")
        print("| of which clients' connections after load | \(after.inbound) | 0 |")
        print("| of which pooled connections to WeChat after load | \(after.upstream) (reused; closed after 60 s idle) | ≤ 256 (the WeChat call cap) |")
        print("| all other descriptors: start → after load | \(start.others) → \(after.others) | back to the start |")
        let tally = measured

        var failures: [String] = []
        if tally.unexpected > 0 { failures.append("\(tally.unexpected) unexpected statuses, e.g. \(tally.samples.prefix(3).joined(separator: "; "))") }
        if tally.socketErrors > 0 { failures.append("\(tally.socketErrors) socket errors, e.g. \(tally.errorSamples.prefix(3).joined(separator: "; "))") }
        if growth >= self.maxMemoryGrowth { failures.append(String(format: "resident memory grew %.1f%% after warm-up", growth)) }
        if after.inbound > 0 { failures.append("\(after.inbound) client connections still open after the load") }
        if after.others > start.others { failures.append("\(after.others - start.others) more descriptors (besides the WeChat pool) after the load than at the start") }
        if after.upstream > 256 { failures.append("\(after.upstream) pooled connections to WeChat, more than the call cap") }
        if measured.total == 0 { failures.append("no request completed") }
        guard failures.isEmpty else {
            for failure in failures { print("soak: FAILED: \(failure)") }
            throw ExitCode(1)
        }
        print("soak: passed")
    }

    /// Runs the virtual users for `warmup + seconds`, sampling the server every 250 ms (the
    /// baseline at the end of the warm-up), then closes every connection.
    private func load(warmup: Int, seconds: Int, probe: ProcessProbe) async throws -> SoakTally {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = self.connections
        configuration.timeout.connect = .seconds(10)
        configuration.timeout.read = .seconds(30)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let warmupEnd = ContinuousClock.now + .seconds(warmup)
        let deadline = warmupEnd + .seconds(seconds)
        let tally = SoakTallyBox(measuringFrom: warmupEnd)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<self.connections {
                    let user = VirtualUser(index: index, api: self.api, emulator: self.emulator, appID: self.appID, client: client, tally: tally)
                    group.addTask { await user.run(until: deadline) }
                }
                group.addTask {
                    var tick = 0
                    var baselineTaken = false
                    while ContinuousClock.now < deadline {
                        if let sample = try? probe.sample() {
                            let isBaseline = !baselineTaken && ContinuousClock.now >= warmupEnd
                            baselineTaken = baselineTaken || isBaseline
                            tally.record(sample, seriesPoint: tick % 20 == 0, baseline: isBaseline)
                        }
                        tick += 1
                        try await Task.sleep(for: .milliseconds(250))
                    }
                }
                try await group.waitForAll()
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return tally.snapshot
    }
}
