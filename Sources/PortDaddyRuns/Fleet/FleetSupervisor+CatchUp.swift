import Foundation
import PortDaddyAPI
import PortDaddyCore
import PortDaddyFleetConfig

/// `catch_up: true`: a schedule that should have fired while the daemon was down gets one run at boot — not one per
/// missed fire. "Missed" is judged from the agent's newest run (or, for an agent that never ran, from when the fleet
/// was enabled): if the schedule's next fire after that is already past, one wake is queued.
extension FleetSupervisor {
    func catchUp(_ project: String, enabledAt: Int64) {
        guard let fleet = fleets[project] else { return }
        let agents = fleet.config.agents.filter { $0.catchUp && $0.schedule != nil }
        guard !agents.isEmpty else { return }
        Task { [weak self, runs] in
            let history = (try? await runs.runs(all: true, project: project)) ?? []
            for agent in agents {
                let identity = Self.identity(of: agent, in: project)
                let newest = history.filter { $0.identity == identity }.map { $0.startedAt ?? $0.createdAt }.max() ?? enabledAt
                let since = Date(timeIntervalSince1970: Double(max(newest, enabledAt)) / 1000)
                guard let due = agent.schedule?.nextFire(after: since), due <= Date() else { continue }
                await self?.caughtUp(project, agent: agent.name, due: due)
            }
        }
    }

    func caughtUp(_ project: String, agent: String, due: Date) {
        event("agent.catch_up", project: project, detail: ["agent": agent, "missed": String(Int64(due.timeIntervalSince1970 * 1000))])
        wake(project, agent: agent, message: nil)
    }
}
