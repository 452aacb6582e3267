import PortDaddyCore
import PortDaddyStackConfig
import PortDaddyStacks
import ServiceLifecycle

/// Ends long-lived requests when graceful shutdown starts, so the HTTP servers can finish: SSE streams close
/// (clients reconnect with their cursor), queued lock waiters are failed, and supervised stacks are stopped
/// (their process trees, in reverse dependency order).
struct ShutdownHook: Service {
    let hub: ChannelHub
    let locks: LockService
    let stacks: StackSupervisor

    func run() async throws {
        try? await gracefulShutdown()
        hub.shutdown()
        locks.cancelAllWaiters()
        await stacks.stopAll()
    }
}
