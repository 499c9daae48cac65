import CoreMetrics
import NIOConcurrencyHelpers

/// A swift-metrics counter with labels whose handles are made once per label set and reused:
/// making a `Counter` goes through the metrics backend, which is too slow for every request.
///
/// ```swift
/// let logins = CounterFamily(label: "logins_total", dimensions: ["outcome"], factory: factory)
/// logins.increment("new_user")
/// ```
public final class CounterFamily: Sendable {
    private let label: String
    private let dimensions: [String]
    private let factory: any MetricsFactory
    private let counters = NIOLockedValueBox<[[String]: Counter]>([:])

    /// Creates a family.
    /// - Parameters:
    ///   - label: The metric name, e.g. `http_requests_total`.
    ///   - dimensions: The label names, in the order values are given.
    ///   - factory: The metrics backend.
    public init(label: String, dimensions: [String], factory: any MetricsFactory = MetricsSystem.factory) {
        self.label = label
        self.dimensions = dimensions
        self.factory = factory
    }

    /// Adds one to the counter of these label values (bounded values only: never raw input).
    public func increment(_ values: String...) {
        self.counter(values).increment()
    }

    /// The counter of these label values, for a hot path to keep and increment without the
    /// family's lookup (a lock round trip and a hashed `[String]` per call).
    public func counter(_ values: String...) -> Counter {
        self.counter(values)
    }

    private func counter(_ values: [String]) -> Counter {
        self.counters.withLockedValue { counters in
            if let counter = counters[values] { return counter }
            let counter = Counter(label: self.label, dimensions: Array(zip(self.dimensions, values)), factory: self.factory)
            counters[values] = counter
            return counter
        }
    }
}

/// A swift-metrics timer with labels, handles made once per label set (see ``CounterFamily``).
public final class TimerFamily: Sendable {
    private let label: String
    private let dimensions: [String]
    private let factory: any MetricsFactory
    private let timers = NIOLockedValueBox<[[String]: Timer]>([:])

    /// Creates a family.
    /// - Parameters:
    ///   - label: The metric name, e.g. `http_request_duration_seconds`.
    ///   - dimensions: The label names, in the order values are given.
    ///   - factory: The metrics backend.
    public init(label: String, dimensions: [String], factory: any MetricsFactory = MetricsSystem.factory) {
        self.label = label
        self.dimensions = dimensions
        self.factory = factory
    }

    /// Records a duration under these label values.
    public func record(_ duration: Duration, _ values: String...) {
        let (seconds, attoseconds) = duration.components
        let timer = self.timers.withLockedValue { timers in
            if let timer = timers[values] { return timer }
            let timer = Timer(label: self.label, dimensions: Array(zip(self.dimensions, values)), factory: self.factory)
            timers[values] = timer
            return timer
        }
        timer.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
