import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// SampleApp as a child process: started from the build folder next to the test binary, with
/// its stdout and stderr in files, its addresses read from its startup banner.
final class SampleAppProcess: @unchecked Sendable {
    // @unchecked: `process` is only touched from the test that owns this value.
    let process: Process
    let apiURL: String
    let emulatorURL: String?
    let appID: String
    let logFile: URL

    /// The SampleApp binary: `SampleApp` beside the test binary (SwiftPM builds it first, as a
    /// dependency of this test target).
    static var binary: URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        // `.build/debug/MiniWebPackageTests.xctest` (a file on Linux, a bundle elsewhere).
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("SampleApp").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("SampleApp")
    }

    /// Starts `SampleApp serve` with `arguments` and waits for its banner.
    /// - Parameters:
    ///   - arguments: Arguments after `serve` (`--port 0` and a generous login rate are added).
    ///   - environment: Added to a copy of the test's environment without WeChat credentials.
    ///   - directory: Where the log files go.
    static func start(arguments: [String], environment: [String: String] = [:], directory: URL) async throws -> SampleAppProcess {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["serve", "--port", "0", "--login-rate", "100000", "--login-burst", "100000"] + arguments
        var env = ProcessInfo.processInfo.environment
        for name in ["WX_APP_SECRET", "WX_APP_ID", "SESSION_SECRET", "DATABASE_URL", "PORT", "METRICS_PORT", "LOG_FORMAT"] {
            env[name] = nil
        }
        env["LOG_LEVEL"] = "warning"
        env.merge(environment) { $1 }
        process.environment = env
        let stamp = UUID().uuidString.prefix(8)
        let outFile = directory.appendingPathComponent("sampleapp-\(stamp).out")
        let logFile = directory.appendingPathComponent("sampleapp-\(stamp).log")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: logFile)
        try process.run()

        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: outFile, encoding: .utf8)) ?? ""
            if let api = Self.capture(#"SampleApp listening on (http://\S+)"#, in: text) {
                let emulator = Self.capture(#"at (http://\S+) plays WeChat"#, in: text)
                if emulator == nil || text.contains("\"appid\":\"") {
                    let appID = Self.capture(#""appid":"([^"]+)""#, in: text) ?? "wx0000000000000dev"
                    return SampleAppProcess(process: process, apiURL: api, emulatorURL: emulator, appID: appID, logFile: logFile)
                }
            }
            if !process.isRunning {
                throw SampleAppProcessError("SampleApp exited with \(process.terminationStatus) before serving:\n\(Self.tail(of: logFile))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        throw SampleAppProcessError("SampleApp printed no banner within 60 s:\n\(Self.tail(of: logFile))")
    }

    private init(process: Process, apiURL: String, emulatorURL: String?, appID: String, logFile: URL) {
        self.process = process
        self.apiURL = apiURL
        self.emulatorURL = emulatorURL
        self.appID = appID
        self.logFile = logFile
    }

    /// The API's port.
    var port: Int { Int(self.apiURL.split(separator: ":").last ?? "") ?? 0 }

    /// Sends a signal.
    func signal(_ signal: Int32) {
        kill(self.process.processIdentifier, signal)
    }

    /// Waits for the process to exit.
    /// - Returns: The exit status, or `nil` if it still runs after `timeout`.
    func waitForExit(timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while self.process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
        return self.process.terminationStatus
    }

    /// Kills the process if it still runs (for cleanup on every path).
    func killIfRunning() async {
        if self.process.isRunning {
            self.signal(SIGKILL)
            _ = try? await self.waitForExit(timeout: .seconds(10))
        }
    }

    /// The last lines of the process's log, for failure messages.
    var logTail: String { Self.tail(of: self.logFile) }

    static func tail(of file: URL) -> String {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(30).joined(separator: "\n")
    }

    private static func capture(_ pattern: String, in text: String) -> String? {
        guard let expression = try? NSRegularExpression(pattern: pattern),
            let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }
}

/// A child process misbehaved.
struct SampleAppProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` with a started SampleApp, and kills it afterwards whatever happens.
func withSampleApp<Value>(
    arguments: [String],
    environment: [String: String] = [:],
    directory: URL,
    _ body: (SampleAppProcess) async throws -> Value
) async throws -> Value {
    let app = try await SampleAppProcess.start(arguments: arguments, environment: environment, directory: directory)
    do {
        let value = try await body(app)
        await app.killIfRunning()
        return value
    } catch {
        await app.killIfRunning()
        throw error
    }
}

/// A fresh temporary folder, removed after `body`.
func withTemporaryDirectory<Value>(_ body: (URL) async throws -> Value) async throws -> Value {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("miniweb-faults-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}
