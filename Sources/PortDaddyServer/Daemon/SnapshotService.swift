import Logging
import PortDaddyCore
import ServiceLifecycle

/// Runs the snapshot watcher's poll every interval (`PORT_DADDY_SNAPSHOT_POLL`) until graceful shutdown.
struct SnapshotService: Service {
    let watcher: SnapshotWatcher
    let intervalSeconds: Double
    let logger: Logger

    func run() async throws {
        await periodically(every: intervalSeconds) {
            do {
                for snapshot in try watcher.poll() {
                    logger.info("file changed during a claim; snapshot taken", metadata: ["path": "\(snapshot.path)", "id": "\(snapshot.id)"])
                }
            } catch {
                logger.error("snapshot pass failed: \(error)")
            }
        }
    }
}
