import PortDaddyCore
import PortDaddyRuns
import PortDaddyStackConfig
import PortDaddyStacks
import ServiceLifecycle

/// Ends long-lived requests when graceful shutdown starts, so the HTTP servers can finish: SSE streams close
/// (clients reconnect with their cursor), activity followers (streams, long polls, `/wait`) end, queued lock
/// and tuple waiters are failed, and supervised stacks are stopped (their process trees, in reverse dependency order).
/// What the stops record is still written by the activity flusher, which stops last.
struct ShutdownHook: Service {
    let hub: ChannelHub
    let activity: ActivityLog
    let locks: LockService
    let stacks: StackSupervisor
    let runs: RunService
    let tuples: TupleSpace

    func run() async throws {
        try? await gracefulShutdown()
        hub.shutdown()
        activity.events.shutdown()
        locks.cancelAllWaiters()
        tuples.cancelAllWaiters()
        await runs.stopAll()
        await stacks.stopAll()
    }
}
