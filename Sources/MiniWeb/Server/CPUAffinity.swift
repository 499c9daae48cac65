import Foundation
import NIOCore

/// The CPUs this process may run on, and SwiftNIO's shared event loops sized to them.
///
/// SwiftNIO sizes its shared event loop group (the one MiniWeb's servers and AsyncHTTPClient's
/// default client use) from the online CPUs and the cgroup limits, not from the process's CPU
/// affinity mask. A server started with `taskset -c 0` on a two-CPU machine therefore runs two
/// event loops that take turns on one CPU; as MiniWeb answers requests on the event loop (see
/// ``ServerConfiguration/handlersRunOnEventLoop``), a request then waits a whole scheduler slice
/// whenever its loop is the one switched out. Measured here at 32 connections: p99 4.7 ms with
/// two loops on one CPU, 1.3-1.7 ms with one (`Benchmarks/load/ab-hello.sh`).
public enum CPUAffinity {
    /// The number of CPUs in this process's affinity mask (`taskset`, `sched_setaffinity`), or
    /// nil where the platform does not report it.
    public static var allowedCPUCount: Int? {
        #if os(Linux)
        // The kernel's own account of the mask. (`sched_getaffinity` is not visible to Swift
        // without _GNU_SOURCE, and `CPU_COUNT` is a macro.) Read once, at startup.
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        return Self.cpuCount(procStatus: status)
        #else
        return nil
        #endif
    }

    /// The number of CPUs in the `Cpus_allowed:` line of a `/proc/<pid>/status` text (a hex mask
    /// in comma-separated 32-bit groups, e.g. `00000000,00000003`), or nil when there is none.
    static func cpuCount(procStatus: String) -> Int? {
        for line in procStatus.split(separator: "\n") where line.hasPrefix("Cpus_allowed:") {
            var count = 0
            for character in line.dropFirst("Cpus_allowed:".count) where character != "," && character != " " && character != "\t" {
                guard let digit = character.hexDigitValue else { return nil }
                count += digit.nonzeroBitCount
            }
            return count > 0 ? count : nil
        }
        return nil
    }

    /// Sizes SwiftNIO's shared event loop group to ``allowedCPUCount`` when that is fewer CPUs
    /// than SwiftNIO would use.
    ///
    /// Call it first thing in `main`, before anything uses `MultiThreadedEventLoopGroup.singleton`
    /// (SwiftNIO stops the process if the size changes after the group exists). Calling it again
    /// does nothing. It leaves the size alone when `NIO_SINGLETON_GROUP_LOOP_COUNT` is set.
    public static func sizeSharedEventLoopsToAllowedCPUs() {
        _ = Self.sizedOnce
    }

    /// Applied at most once per process (a `static let` is initialised exactly once).
    private static let sizedOnce: Void = {
        guard getenv("NIO_SINGLETON_GROUP_LOOP_COUNT") == nil, let allowed = allowedCPUCount, allowed < System.coreCount else { return }
        NIOSingletons.groupLoopCountSuggestion = allowed
    }()
}
