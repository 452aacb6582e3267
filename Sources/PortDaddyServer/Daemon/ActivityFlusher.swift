import Logging
import PortDaddyCore
import ServiceLifecycle

/// Writes queued activity records a few times a second, and once more at shutdown.
struct ActivityFlusher: Service {
    let activity: ActivityLog
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(250)) }
            do { try activity.flush() } catch { logger.error("activity flush failed: \(error)") }
        }
        try? activity.flush()
    }
}
