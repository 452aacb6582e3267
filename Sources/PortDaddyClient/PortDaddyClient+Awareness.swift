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

    public func look(since: String?, project: String?) throws(ClientError) -> LookResponse {
        try call(Routes.look, query: [("since", since), ("project", project)])
    }

    public func briefing(project: String?) throws(ClientError) -> BriefingResponse { try call(Routes.briefing, query: [("project", project)]) }
}
