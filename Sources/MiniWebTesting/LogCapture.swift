import Logging
import NIOConcurrencyHelpers

/// Collects what a logger writes, for tests that check what is (and is not) logged.
///
/// ```swift
/// let logs = LogCapture()
/// let app = try Application(router: router, logger: logs.logger(level: .debug))
/// ...
/// #expect(!logs.text.contains(secret))
/// ```
public final class LogCapture: Sendable {
    /// One logged message with its metadata.
    public struct Entry: Sendable {
        /// The level.
        public let level: Logger.Level
        /// The message.
        public let message: String
        /// The metadata, rendered as text.
        public let metadata: [String: String]
    }

    private let storage = NIOLockedValueBox<[Entry]>([])

    /// Creates an empty capture.
    public init() {}

    /// A logger that writes into this capture.
    /// - Parameter level: The lowest level recorded.
    /// - Returns: The logger.
    public func logger(label: String = "test", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { _ in CaptureHandler(capture: self) }
        logger.logLevel = level
        return logger
    }

    /// Everything recorded so far.
    public var entries: [Entry] {
        self.storage.withLockedValue { $0 }
    }

    /// Every entry as one text, message and metadata, for searching.
    public var text: String {
        self.entries.map { entry in
            "\(entry.level) \(entry.message) " + entry.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }.joined(separator: "\n")
    }

    fileprivate func record(_ entry: Entry) {
        self.storage.withLockedValue { $0.append(entry) }
    }
}

private struct CaptureHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
        self.capture.record(
            LogCapture.Entry(
                level: event.level,
                message: event.message.description,
                metadata: merged.mapValues { "\($0)" }
            )
        )
    }
}
