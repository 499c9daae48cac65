import NIOCore

/// A `TaskExecutor` that runs a task's jobs on one SwiftNIO event loop.
///
/// A connection's task runs with its channel's event loop as its preferred executor, so reading a
/// request, running the handler and writing the response happen on the thread that does the
/// connection's I/O: no hop to the global executor and back for every read and every write.
/// Hand-written because SwiftNIO (2.101) makes an event loop a `SerialExecutor` only, not a
/// `TaskExecutor`.
///
/// Handlers then run on the event loop, as SwiftNIO's own handlers do: they must not block it
/// (blocking work belongs on a thread pool, as the database drivers already do).
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}

/// One ``EventLoopTaskExecutor`` per event loop of a group, made once when the server starts.
struct EventLoopTaskExecutors: Sendable {
    private let executors: [ObjectIdentifier: EventLoopTaskExecutor]

    init(group: any EventLoopGroup) {
        var executors: [ObjectIdentifier: EventLoopTaskExecutor] = [:]
        for loop in group.makeIterator() {
            executors[ObjectIdentifier(loop)] = EventLoopTaskExecutor(eventLoop: loop)
        }
        self.executors = executors
    }

    /// The executor of `eventLoop`, or nil for a loop outside the group (the task then runs on
    /// the global executor, as it would without a preference).
    func executor(for eventLoop: any EventLoop) -> EventLoopTaskExecutor? {
        self.executors[ObjectIdentifier(eventLoop)]
    }
}
