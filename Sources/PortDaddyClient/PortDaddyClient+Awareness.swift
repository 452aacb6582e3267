import PortDaddyAPI

/// The changelog, `look` and the briefing.
extension PortDaddyClient {
    public func addChange(_ request: ChangeRequest) throws(ClientError) -> ChangeEntry { try call(Routes.addChange, body: request) }

    public func changelog(identity: String?, since: String?, limit: Int?) throws(ClientError) -> ChangelogResponse {
        try call(Routes.changelog, query: [("identity", identity), ("since", since), ("limit", limit.map(String.init))])
    }

    public func changelogTree(identity: String?) throws(ClientError) -> ChangeTreeResponse {
        try call(Routes.changelogTree, query: [("identity", identity)])
    }

    public func look(since: String?, project: String?, heat: Bool = false) throws(ClientError) -> LookResponse {
        try call(Routes.look, query: [("since", since), ("project", project), ("heat", heat ? "1" : nil)])
    }

    public func briefing(project: String?) throws(ClientError) -> BriefingResponse { try call(Routes.briefing, query: [("project", project)]) }
}

/// Memory tiers and episodes.
extension PortDaddyClient {
    public func memoryTiers() throws(ClientError) -> MemoryTiersResponse { try call(Routes.memoryTiers) }
    public func memoryTier(_ name: String) throws(ClientError) -> MemoryConstruct { try call(Routes.memoryTier, name) }

    public func episodes(project: String?, type: String?, since: String?, limit: Int?) throws(ClientError) -> EpisodesResponse {
        try call(Routes.episodes, query: [("project", project), ("type", type), ("since", since), ("limit", limit.map(String.init))])
    }

    public func episodeStats(project: String?) throws(ClientError) -> EpisodeStats { try call(Routes.episodeStats, query: [("project", project)]) }
}

/// `pd say` and `pd advise`.
extension PortDaddyClient {
    public func say(_ request: SayRequest) throws(ClientError) -> SayResponse { try call(Routes.say, body: request) }

    public func advise(
        path: String, task: String?, project: String?, hash: String?, repo: String?, tuples: Bool
    ) throws(ClientError) -> AdviseResponse {
        try call(
            Routes.advise,
            query: [
                ("path", path), ("task", task), ("project", project), ("hash", hash), ("repo", repo), ("tuples", tuples ? "1" : nil),
            ])
    }
}
