#if canImport(Glibc)
import Glibc
#endif

/// Puts the thread that commits SQLite writes in Linux's `SCHED_BATCH` scheduling class.
///
/// The writer runs on a dispatch thread. When a login hands it a write, the kernel wakes that
/// thread, and on a busy core the thread preempts the event loop at once: it commits that one
/// write, then sleeps, and the event loop resumes until the next login wakes it again. On one
/// core (or under load) that meant one transaction, two context switches and one wake-up per
/// login. Under `SCHED_BATCH` a woken thread does not preempt: the event loop finishes what it
/// has, the writer runs when the core is free, and ``SQLiteGroupCommit`` commits everything that
/// arrived meanwhile in one transaction. `Benchmarks/load/ab-login.sh` measured about a third
/// less CPU per login, and lower median and p99 latency, with the server pinned to one core.
///
/// `SCHED_BATCH` is the kernel's class for exactly this ("no extra preemptions between the
/// workload's tasks"); a thread in it keeps its nice value and its share of the CPU. A thread
/// an operator has put in another class (real-time, idle) is left alone. Elsewhere than Linux,
/// this does nothing.
enum BatchScheduling {
    /// Moves the calling thread from the default class (`SCHED_OTHER`) to `SCHED_BATCH`.
    static func adoptForCurrentThread() {
        #if os(Linux)
        // Glibc's SCHED_BATCH (3) is behind _GNU_SOURCE, which Swift's Glibc module does not define.
        let schedBatch: Int32 = 3
        guard sched_getscheduler(0) == SCHED_OTHER else { return }
        var parameters = sched_param(sched_priority: 0)
        _ = sched_setscheduler(0, schedBatch, &parameters)
        #endif
    }
}
