import Logging
import PortDaddyCore
import PortDaddyRuns
import PortDaddySystem
import ServiceLifecycle

/// Runs the claim reaper every interval until graceful shutdown.
struct ReaperService: Service {
    let claims: ClaimService
    let locks: LockService
    let channels: ChannelService
    let coordination: CoordinationService
    let activity: ActivityLog
    let runs: RunService
    let changelog: Changelog
    let memory: MemoryServices
    let graph: GraphRecorder
    let intervalSeconds: Double
    let logger: Logger

    func run() async throws {
        await periodically(every: intervalSeconds) {
            do {
                for agent in try coordination.reapAgents() {
                    logger.notice("agent declared dead; its work is in salvage", metadata: ["agent": "\(agent)"])
                }
                for item in try claims.reap() {
                    logger.notice(
                        "reaper freed claim",
                        metadata: ["id": "\(item.claim.identity)", "port": "\(item.claim.port)", "reason": "\(item.reason.rawValue)"])
                }
                for item in try locks.reap() {
                    logger.notice(
                        "reaper released lock",
                        metadata: [
                            "lock": "\(item.lock.name)", "owner": "\(item.lock.owner)", "token": "\(item.lock.token)", "reason": "\(item.reason)",
                        ])
                }
                try channels.prune()
                try activity.prune()
                await runs.prune()
                try changelog.prune()
                memory.prune()
                try graph.prune()
                // Pages freed since the last pass (a burst of requests, dropped subscribers) go back to the OS.
                ProcessMemory.releaseFreePages()
            } catch {
                logger.error("reaper pass failed: \(error)")
            }
        }
    }
}
