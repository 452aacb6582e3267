import Foundation
import PortDaddyAPI
import PortDaddyCore
import PortDaddyFleetConfig

/// The fleets as `GET /fleet` and the dashboard's Fleet view show them: the running ones with their mode and each
/// agent's spend today, then the enabled ones the daemon is not running (`stopped`, with their file's problems).
extension FleetSupervisor {
    /// Every fleet, running ones first (by project), then enabled ones that are not running.
    public func overview() -> [FleetInfo] {
        let enabled = (try? store?.enabledFleets()) ?? []
        var all = fleets.values.sorted { $0.project < $1.project }.map { fleet in
            var shown = info(fleet)
            shown.agents = shown.agents.map { agent in
                var agent = agent
                if let spec = fleet.agents[agent.name]?.spec {
                    agent.spendToday = try? wallets?.spentToday(identity: Self.identity(of: spec, in: fleet.project))
                }
                return agent
            }
            return shown
        }
        for record in enabled.sorted(by: { $0.project < $1.project }) where fleets[record.project] == nil {
            let validation = FleetConfig.load(path: record.path + "/" + FleetConfig.fileName)
            all.append(
                FleetInfo(
                    project: record.project, name: validation.config?.name ?? record.project, path: record.path, state: "stopped", agents: [],
                    problems: validation.errors.isEmpty ? nil : validation.errors.map(\.description), mode: "daemon"))
        }
        return all
    }

    /// The identity a fleet agent's runs carry (`spawnRequest` gives them this one).
    static func identity(of spec: FleetConfig.Agent, in project: String) -> String { spec.identity ?? "\(project):\(spec.name)" }
}
