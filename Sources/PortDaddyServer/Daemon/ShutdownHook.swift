import PortDaddyCore
import ServiceLifecycle

/// Ends long-lived requests when graceful shutdown starts, so the HTTP servers can finish: SSE streams close
/// (clients reconnect with their cursor) and queued lock waiters are failed.
struct ShutdownHook: Service {
    let hub: ChannelHub
    let locks: LockService

    func run() async throws {
        try? await gracefulShutdown()
        hub.shutdown()
        locks.cancelAllWaiters()
    }
}
