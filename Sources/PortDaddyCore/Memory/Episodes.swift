import PortDaddyAPI

/// Episodic memory: handoff, finding and blocker notes promoted when written, and run and sortie outcomes when
/// they end. Kept a year (longer than sessions' notes are shown).
public final class Episodes: Sendable {
    let store: any EpisodeStore
    let clock: any WallClock
    /// How long episodes are kept.
    public static let retentionSeconds: Double = 365 * 86400

    public init(store: any EpisodeStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// Records an episode (text cut at 4 KiB); failures to record never fail the caller.
    @discardableResult
    public func record(
        _ type: EpisodeType, text: String, source: String, agent: String?, identity: String?, session: String?
    ) -> Episode? {
        let project = identity?.split(separator: ":").first.map { String($0).lowercased() }
        let episode = Episode(
            id: 0, project: project, identity: identity, type: type, text: String(text.prefix(4096)), source: source, agent: agent,
            session: session, at: clock.nowMillis())
        return try? store.addEpisode(episode)
    }

    /// Promotes a note when its type is one episodes keep.
    public func promote(_ note: NoteInfo, agent: String, identity: String?) {
        let type: EpisodeType? =
            switch note.type {
            case .handoff: .handoff
            case .finding: .finding
            case .blocker: .blocker
            default: nil
            }
        guard let type else { return }
        record(type, text: note.text, source: "note:\(note.id)", agent: agent, identity: identity, session: note.sessionID)
    }

    public func list(project: String?, type: EpisodeType?, sinceMillis: Int64?, limit: Int) throws(PortDaddyError) -> [Episode] {
        try store.episodes(project: project?.lowercased(), type: type, since: sinceMillis ?? 0, limit: limit)
    }

    public func stats(project: String?) throws(PortDaddyError) -> EpisodeStats { try store.episodeStats(project: project?.lowercased()) }

    @discardableResult
    public func prune() throws(PortDaddyError) -> Int {
        try store.pruneEpisodes(olderThan: clock.nowMillis() - Int64(Self.retentionSeconds * 1000))
    }
}
