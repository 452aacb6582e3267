extension Routes {
    // MARK: changelog, look, briefing
    public static let addChange = APIRoute<ChangeRequest, ChangeEntry>(.post, "/changelog", "add a changelog entry")
    public static let changelog = APIRoute<NoBody, ChangelogResponse>(
        .get, "/changelog", query: ["identity", "since", "limit"], "changelog entries, newest first")
    public static let changelogTree = APIRoute<NoBody, ChangeTreeResponse>(
        .get, "/changelog/tree", query: ["identity"], "the changelog as a project → stack → context tree")
    public static let look = APIRoute<NoBody, LookResponse>(
        .get, "/look", query: ["since", "project"], "recent activity, notes, salvage, agents and runs, with a one-line summary")
    public static let briefing = APIRoute<NoBody, BriefingResponse>(.get, "/briefing", query: ["project"], "what to know before starting")

    // MARK: memory tiers and episodes
    public static let memoryTiers = APIRoute<NoBody, MemoryTiersResponse>(.get, "/memory/tiers", "every memory construct: tier, retention, count")
    public static let memoryTier = APIRoute<NoBody, MemoryConstruct>(.get, "/memory/tiers/:name", "one memory construct")
    public static let episodes = APIRoute<NoBody, EpisodesResponse>(
        .get, "/memory/episodes", query: ["project", "type", "since", "limit"], "episodic memory, newest first")
    public static let episodeStats = APIRoute<NoBody, EpisodeStats>(.get, "/memory/stats", query: ["project"], "episodes by type and coverage")

    static var awarenessRoutes: [AnyAPIRoute] {
        [
            addChange.erased, changelog.erased, changelogTree.erased, look.erased, briefing.erased, memoryTiers.erased, memoryTier.erased,
            episodes.erased, episodeStats.erased,
        ]
    }
}
