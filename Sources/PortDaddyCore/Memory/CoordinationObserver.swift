import PortDaddyAPI

/// What shared memory learns from coordination: file claims refused and granted (pheromone heat), agents that
/// left for good (harbor membership). Called after the coordination write committed.
public protocol CoordinationObserver: Sendable {
    /// A file claim was refused because another session holds `path`.
    func fileClaimRefused(_ path: String)
    /// File claims were granted.
    func filesClaimed(_ paths: [String])
    /// Agents were declared dead or unregistered.
    func agentsLeft(_ agents: [String])
    /// A note was written into `agent`'s session (its identity, or the agent's).
    func noteWritten(_ note: NoteInfo, agent: String, identity: String?)
}

extension CoordinationObserver {
    public func noteWritten(_ note: NoteInfo, agent: String, identity: String?) {}
}

/// The observer the daemon installs: contention and interest heat on files, and harbor departures.
public struct MemoryObserver: CoordinationObserver {
    let pheromones: PheromoneService
    let harbors: HarborService
    let episodes: Episodes?

    public init(pheromones: PheromoneService, harbors: HarborService, episodes: Episodes? = nil) {
        self.pheromones = pheromones
        self.harbors = harbors
        self.episodes = episodes
    }

    public func fileClaimRefused(_ path: String) { pheromones.sprayFile(path, PheromoneService.contention) }
    public func filesClaimed(_ paths: [String]) { for path in paths { pheromones.sprayFile(path, PheromoneService.interest) } }
    public func agentsLeft(_ agents: [String]) { harbors.agentsLeft(agents) }
    public func noteWritten(_ note: NoteInfo, agent: String, identity: String?) { episodes?.promote(note, agent: agent, identity: identity) }
}
