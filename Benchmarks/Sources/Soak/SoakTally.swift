import Foundation
import Synchronization

/// What a load phase saw: statuses per step, errors, latencies and the server's peaks.
struct SoakTally: Sendable {
    var statuses: [VirtualUser.Step: [Int: Int]] = [:]
    var latencies: [VirtualUser.Step: [Duration]] = [:]
    var unexpected = 0
    var socketErrors = 0
    var samples: [String] = []
    var errorSamples: [String] = []
    var peakResidentKiB = 0
    var peakFileDescriptors = 0
    /// Resident memory every 5 s of the phase, in KiB.
    var residentSeries: [Int] = []
    /// Resident memory at the last sample of the phase (under load), in KiB.
    var lastResidentKiB = 0
    /// Resident memory at the end of the warm-up (under load), in KiB.
    var warmResidentKiB = 0
    /// Answers received after the warm-up.
    var measuredRequests = 0

    var total: Int { self.statuses.values.reduce(0) { $0 + $1.values.reduce(0, +) } + self.socketErrors }

    /// The statuses per step (the whole run), and the latencies after the warm-up.
    func table() -> String {
        var lines = ["| step | expected | statuses seen (whole run) | p50 after warm-up | p99 after warm-up |", "|---|---|---|---|---|"]
        for step in VirtualUser.Step.allCases {
            let counts = (self.statuses[step] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            let sorted = (self.latencies[step] ?? []).sorted()
            let p50 = sorted.isEmpty ? "-" : Self.milliseconds(sorted[sorted.count / 2])
            let p99 = sorted.isEmpty ? "-" : Self.milliseconds(sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
            lines.append("| \(step.rawValue) | \(step.expected) | \(counts) | \(p50) | \(p99) |")
        }
        return lines.joined(separator: "\n")
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return String(format: "%.1f ms", ms)
    }
}

/// The tally shared by a phase's virtual users.
final class SoakTallyBox: Sendable {
    private let tally = Mutex(SoakTally())
    private let measuringFrom: ContinuousClock.Instant

    /// - Parameter measuringFrom: The end of the warm-up: latencies and request counts start there.
    init(measuringFrom: ContinuousClock.Instant) {
        self.measuringFrom = measuringFrom
    }

    func record(step: VirtualUser.Step, status: Int, latency: Duration, body: String) {
        let measuring = ContinuousClock.now >= self.measuringFrom
        self.tally.withLock { tally in
            tally.statuses[step, default: [:]][status, default: 0] += 1
            if measuring {
                tally.latencies[step, default: []].append(latency)
                tally.measuredRequests += 1
            }
            if status != step.expected {
                tally.unexpected += 1
                if tally.samples.count < 10 { tally.samples.append("\(step.rawValue) → \(status) \(body.prefix(160))") }
            }
        }
    }

    func recordError(step: VirtualUser.Step, error: any Error) {
        self.tally.withLock { tally in
            tally.socketErrors += 1
            if tally.errorSamples.count < 10 { tally.errorSamples.append("\(step.rawValue): \(error)") }
        }
    }

    func record(_ sample: ProcessProbe.Sample, seriesPoint: Bool, baseline: Bool) {
        self.tally.withLock { tally in
            if baseline { tally.warmResidentKiB = sample.residentKiB }
            if seriesPoint { tally.residentSeries.append(sample.residentKiB) }
            tally.lastResidentKiB = sample.residentKiB
            tally.peakResidentKiB = max(tally.peakResidentKiB, sample.residentKiB)
            tally.peakFileDescriptors = max(tally.peakFileDescriptors, sample.fileDescriptors)
        }
    }

    var snapshot: SoakTally { self.tally.withLock { $0 } }
}
