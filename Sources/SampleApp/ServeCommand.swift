import ArgumentParser
import Foundation
import Logging
import MiniWeb

/// `SampleApp serve`: runs the HTTP service until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the login API (the default subcommand)."
    )

    @Option(help: "The address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to bind; 0 picks a free port. Defaults to $PORT, else 8080.")
    var port: Int?

    @Option(help: "The log level (trace, debug, info, notice, warning, error, critical). Defaults to $LOG_LEVEL, else info.")
    var logLevel: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let port = try self.port ?? Self.port(fromEnvironment: environment["PORT"])
        let levelName = self.logLevel ?? environment["LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelName.lowercased()) else {
            throw ValidationError("Unknown log level '\(levelName)'.")
        }
        var logger = Logger(label: "SampleApp")
        logger.logLevel = level

        let app = try Application(
            router: SampleRoutes.makeRouter(logger: logger),
            configuration: ServerConfiguration(host: self.host, port: port),
            logger: logger,
            onServerRunning: { address in
                // Straight to stdout, unbuffered: scripts wait for this line to learn the port.
                FileHandle.standardOutput.write(Data("SampleApp listening on \(address)\n".utf8))
            }
        )
        try await app.runService()
    }

    static func port(fromEnvironment value: String?) throws -> Int {
        guard let value, !value.isEmpty else { return 8080 }
        guard let port = Int(value), (0...65535).contains(port) else {
            throw ValidationError("PORT must be a number from 0 to 65535, not '\(value)'.")
        }
        return port
    }
}
