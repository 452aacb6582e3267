extension Routes {
    // MARK: changelog, look, briefing
    public static let addChange = APIRoute<ChangeRequest, ChangeEntry>(.post, "/changelog", "add a changelog entry")
    public static let changelog = APIRoute<NoBody, ChangelogResponse>(
        .get, "/changelog", query: ["identity", "since", "limit"], "changelog entries, newest first")
    public static let changelogTree = APIRoute<NoBody, ChangeTreeResponse>(
        .get, "/changelog/tree", query: ["identity"], "the changelog as a project → stack → context tree")
    public static let look = APIRoute<NoBody, LookResponse>(
        .get, "/look", query: ["since", "project", "heat"], "recent activity, notes, salvage, agents and runs, with a one-line summary")
    public static let briefing = APIRoute<NoBody, BriefingResponse>(.get, "/briefing", query: ["project"], "what to know before starting")

    // MARK: say and advise
    public static let say = APIRoute<SayRequest, SayResponse>(
        .post, "/say", "one text as a note, a pinned tuple, file heat and broadcasts, in one transaction")
    public static let advise = APIRoute<NoBody, AdviseResponse>(
        .get, "/advise", query: ["path", "agent", "task", "project", "hash", "repo", "tuples"],
        "checks to run before touching a file: claims, freshness, salvage, channels, heat, locks")

    // MARK: memory tiers and episodes
    public static let memoryTiers = APIRoute<NoBody, MemoryTiersResponse>(.get, "/memory/tiers", "every memory construct: tier, retention, count")
    public static let memoryTier = APIRoute<NoBody, MemoryConstruct>(.get, "/memory/tiers/:name", "one memory construct")
    public static let episodes = APIRoute<NoBody, EpisodesResponse>(
        .get, "/memory/episodes", query: ["project", "type", "since", "limit"], "episodic memory, newest first")
    public static let episodeStats = APIRoute<NoBody, EpisodeStats>(.get, "/memory/stats", query: ["project"], "episodes by type and coverage")

    static var awarenessRoutes: [AnyAPIRoute] {
        [
            addChange.erased, changelog.erased, changelogTree.erased, look.erased, briefing.erased, memoryTiers.erased, memoryTier.erased,
            episodes.erased, episodeStats.erased, say.erased, advise.erased,
        ]
    }
}
