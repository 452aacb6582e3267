import PortDaddyAPI

/// What shared memory learns from coordination: file claims refused and granted (pheromone heat, co-claimed
/// files), agents that left for good (harbor membership), salvage taken over (handed-off edges). Called after the
/// coordination write committed.
public protocol CoordinationObserver: Sendable {
    /// A file claim was refused because another session holds `path`.
    func fileClaimRefused(_ path: String)
    /// File claims were granted.
    func filesClaimed(_ paths: [String])
    /// File claims were granted to `session` (nil when unknown).
    func filesClaimed(_ paths: [String], session: String?)
    /// Agents were declared dead or unregistered.
    func agentsLeft(_ agents: [String])
    /// A note was written into `agent`'s session (its identity, or the agent's).
    func noteWritten(_ note: NoteInfo, agent: String, identity: String?)
    /// `agent` claimed the salvage the dead agent `dead` left.
    func salvageClaimed(dead: String, by agent: String)
}

extension CoordinationObserver {
    public func filesClaimed(_ paths: [String], session: String?) { filesClaimed(paths) }
    public func noteWritten(_ note: NoteInfo, agent: String, identity: String?) {}
    public func salvageClaimed(dead: String, by agent: String) {}
}

/// The observer the daemon installs: contention and interest heat on files, harbor departures, episodes, and the
/// graph's co-claimed and handed-off edges.
public struct MemoryObserver: CoordinationObserver {
    let pheromones: PheromoneService
    let harbors: HarborService
    let episodes: Episodes?
    let graph: GraphRecorder?

    public init(pheromones: PheromoneService, harbors: HarborService, episodes: Episodes? = nil, graph: GraphRecorder? = nil) {
        self.pheromones = pheromones
        self.harbors = harbors
        self.episodes = episodes
        self.graph = graph
    }

    public func fileClaimRefused(_ path: String) { pheromones.sprayFile(path, PheromoneService.contention) }
    public func filesClaimed(_ paths: [String]) { for path in paths { pheromones.sprayFile(path, PheromoneService.interest) } }
    public func filesClaimed(_ paths: [String], session: String?) {
        filesClaimed(paths)
        if let session { graph?.filesClaimed(paths, session: session) }
    }
    public func agentsLeft(_ agents: [String]) { harbors.agentsLeft(agents) }
    public func noteWritten(_ note: NoteInfo, agent: String, identity: String?) { episodes?.promote(note, agent: agent, identity: identity) }
    public func salvageClaimed(dead: String, by agent: String) { graph?.handedOff(dead: dead, to: agent) }
}
