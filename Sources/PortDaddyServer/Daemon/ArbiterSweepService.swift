import Logging
import PortDaddyCore
import ServiceLifecycle

/// Runs the arbiter's sweep over the whole state at the reaper's cadence, until graceful shutdown.
struct ArbiterSweepService: Service {
    let arbiter: Arbiter
    let intervalSeconds: Double
    let logger: Logger

    func run() async throws {
        await periodically(every: intervalSeconds) {
            do {
                for violation in try arbiter.sweep() {
                    logger.warning(
                        "arbiter: invariant violated",
                        metadata: ["invariant": "\(violation.invariant)", "detail": "\(violation.detail)", "action": "\(violation.action ?? "none")"])
                }
            } catch {
                logger.error("arbiter sweep failed: \(error)")
            }
        }
    }
}
