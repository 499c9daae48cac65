import Foundation
@testable import MiniWeb
import Testing

@Suite("CPU affinity")
struct CPUAffinityTests {
    @Test("the Cpus_allowed mask is counted bit by bit, across comma-separated groups")
    func parsesMask() {
        #expect(CPUAffinity.cpuCount(procStatus: "Name:\tx\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n") == 2)
        #expect(CPUAffinity.cpuCount(procStatus: "Cpus_allowed:\t00000000,00000001\n") == 1)
        #expect(CPUAffinity.cpuCount(procStatus: "Cpus_allowed:\tff,0000000f\n") == 12)
        #expect(CPUAffinity.cpuCount(procStatus: "Cpus_allowed:\t0\n") == nil)
        #expect(CPUAffinity.cpuCount(procStatus: "Cpus_allowed:\tzz\n") == nil)
        #expect(CPUAffinity.cpuCount(procStatus: "Name:\tx\n") == nil)
    }

    #if os(Linux)
    @Test("the count agrees with nproc, which asks sched_getaffinity")
    func agreesWithNproc() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nproc")
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let expected = try #require(Int(output.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(CPUAffinity.allowedCPUCount == expected)
    }
    #endif
}
