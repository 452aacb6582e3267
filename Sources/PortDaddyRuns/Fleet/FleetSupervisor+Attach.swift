import Foundation
import PortDaddyAPI
import PortDaddyCore

/// Foreground fleets: a `pd fleet up` without `-d` starts its fleet `attached` and follows its events with the key
/// the start answered. The fleet lives as long as a follower holds that key: when the last one goes away (Ctrl-C,
/// the terminal closed, the process killed) the fleet stops, so nothing keeps spending behind the user's back.
extension FleetSupervisor {
    /// Seconds an attached fleet waits for its first follower before it stops.
    static let followerWaitSeconds = 15.0

    /// Stops the fleet if no follower came with its key in time.
    func expectFollower(_ project: String, token: String) {
        Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(Self.followerWaitSeconds * 1000)))
            await self?.stopIfUnfollowed(project, token: token, reason: "never followed")
        }
    }

    func stopIfUnfollowed(_ project: String, token: String, reason: String) {
        guard let fleet = fleets[project], fleet.attachToken == token, fleet.followers == 0 else { return }
        down(project: project, reason: reason)
    }

    /// A follower arrived with an attached fleet's key: returns the fleet's project (nil for an unknown key).
    public func attach(token: String) -> String? {
        guard !token.isEmpty, let fleet = fleets.values.first(where: { $0.attachToken == token }) else { return nil }
        fleet.followers += 1
        return fleet.project
    }

    /// A follower went away: the last one stops its fleet (unless it was replaced meanwhile).
    public func detach(token: String) {
        guard let fleet = fleets.values.first(where: { $0.attachToken == token }) else { return }
        fleet.followers = max(0, fleet.followers - 1)
        stopIfUnfollowed(fleet.project, token: token, reason: "detached")
    }

    /// The folder of a running or enabled fleet's `pd-fleet.yml`.
    public func root(of project: String) -> String? {
        if let fleet = fleets[project] { return fleet.root }
        return (try? store?.enabledFleets())?.first { $0.project == project }?.path
    }

    /// Counts for `GET /status`.
    public func figures() -> FleetStatusFigures {
        let all = Array(fleets.values)
        let states = all.flatMap { $0.agents.values }
        return FleetStatusFigures(
            fleets: all.count, invalid: all.filter { !$0.problems.isEmpty }.count,
            agentsRunning: states.filter { !$0.running.isEmpty }.count, queued: states.reduce(0) { $0 + Self.depth($1) })
    }
}

extension FleetSupervisor {
    /// The prompt line's entries, one per running fleet (or only `project`'s).
    public func promptEntries(project: String?, pendingKills: [PendingKillInfo]) -> [FleetPromptLine.Entry] {
        fleets.values.filter { project == nil || $0.project == project }.sorted { $0.project < $1.project }.map { fleet in
            let states = Array(fleet.agents.values)
            let spend = wallets?.spendToday(fleet.project)
            return FleetPromptLine.Entry(
                project: fleet.project, running: states.filter { !$0.running.isEmpty }.count, queued: states.reduce(0) { $0 + Self.depth($1) },
                invalid: !fleet.problems.isEmpty, pendingKills: pendingKills.filter { $0.project == fleet.project }.count,
                spentMicros: spend?.spent ?? 0, allowanceMicros: spend?.allowance)
        }
    }
}
