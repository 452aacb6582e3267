import PortDaddyAPI

/// Agents, sessions, notes, files, salvage, inbox, integration signals, wait and activity.
extension PortDaddyClient {
    public func register(_ request: AgentRegisterRequest) throws(ClientError) -> AgentRegisterResponse {
        try call(Routes.registerAgent, body: request)
    }
    public func heartbeat(_ agent: String) throws(ClientError) -> AgentInfo { try call(Routes.heartbeat, agent) }
    public func unregister(_ agent: String) throws(ClientError) -> UnregisterResponse { try call(Routes.unregisterAgent, agent) }
    public func agents() throws(ClientError) -> AgentsResponse { try call(Routes.agents) }
    public func whoami() throws(ClientError) -> WhoamiResponse { try call(Routes.whoami) }

    public func begin(_ request: BeginRequest) throws(ClientError) -> BeginResponse { try call(Routes.begin, body: request) }
    public func sessions(all: Bool) throws(ClientError) -> SessionsResponse { try call(Routes.sessions, query: [("all", all ? "true" : nil)]) }
    public func note(_ request: NoteRequest) throws(ClientError) -> NoteInfo { try call(Routes.addNote, body: request) }
    public func notes(all: Bool) throws(ClientError) -> NotesResponse { try call(Routes.notes, query: [("all", all ? "true" : nil)]) }
    public func phase(_ phase: SessionPhase) throws(ClientError) -> SessionInfo { try call(Routes.phase, body: PhaseRequest(phase: phase)) }
    public func done(_ request: DoneRequest) throws(ClientError) -> SessionInfo { try call(Routes.done, body: request) }

    public func files() throws(ClientError) -> FileClaimsResponse { try call(Routes.files) }
    public func claimFiles(_ request: FileClaimRequest) throws(ClientError) -> FileClaimsResponse { try call(Routes.claimFiles, body: request) }
    public func releaseFiles(_ request: FileClaimRequest) throws(ClientError) -> FileClaimsResponse { try call(Routes.releaseFiles, body: request) }
    public func fileOwner(_ path: String) throws(ClientError) -> FileClaimsResponse { try call(Routes.fileOwner, query: [("path", path)]) }
    public func checkFiles(_ request: FileCheckRequest) throws(ClientError) -> FileCheckResponse { try call(Routes.checkFiles, body: request) }
    public func snapshots(path: String?, session: String?) throws(ClientError) -> SnapshotsResponse {
        try call(Routes.snapshots, query: [("path", path), ("session", session)])
    }
    public func snapshot(_ id: Int64) throws(ClientError) -> SnapshotContentResponse { try call(Routes.snapshot, String(id)) }

    public func salvage(project: String?, all: Bool) throws(ClientError) -> SalvageResponse {
        try call(Routes.salvage, query: [("project", project), ("all", all ? "true" : nil)])
    }
    public func claimSalvage(_ agent: String) throws(ClientError) -> SessionInfo { try call(Routes.claimSalvage, agent) }
    public func completeSalvage(_ agent: String) throws(ClientError) -> SalvageResponse { try call(Routes.completeSalvage, agent) }
    public func dismissSalvage(_ agent: String) throws(ClientError) -> SalvageResponse { try call(Routes.dismissSalvage, agent) }

    public func sendInbox(_ agent: String, _ request: PublishRequest) throws(ClientError) -> ChannelMessageInfo {
        try call(Routes.sendInbox, agent, body: request)
    }
    public func inbox(unread: Bool) throws(ClientError) -> InboxResponse { try call(Routes.inbox, query: [("unread", unread ? "true" : nil)]) }
    public func readAllInbox() throws(ClientError) -> InboxMarkedResponse { try call(Routes.readAllInbox) }
    public func clearInbox() throws(ClientError) -> InboxClearedResponse { try call(Routes.clearInbox) }

    public func integration() throws(ClientError) -> IntegrationResponse { try call(Routes.integration) }
    public func signalReady(_ request: IntegrationRequest) throws(ClientError) -> IntegrationSignal { try call(Routes.signalReady, body: request) }
    public func signalNeeds(_ request: IntegrationRequest) throws(ClientError) -> IntegrationSignal { try call(Routes.signalNeeds, body: request) }

    /// Blocks until every identity is ready or `timeout` seconds pass.
    public func wait(for identities: [String], timeout: Double) throws(ClientError) -> WaitResponse {
        try call(Routes.wait, query: [("ids", identities.joined(separator: ",")), ("timeout", String(timeout))])
    }

    public func activity(since: Int64?, type: String?, limit: Int) throws(ClientError) -> ActivityResponse {
        try call(Routes.activity, query: [("limit", String(limit)), ("since", since.map { String($0) }), ("type", type)])
    }

    /// Waits up to `timeout` seconds for activity after `after`.
    public func pollActivity(after: Int64, type: String? = nil, timeout: Double) throws(ClientError) -> ActivityResponse {
        try call(Routes.activityPoll, query: [("after", String(after)), ("type", type), ("timeout", String(timeout))])
    }

    /// The SSE path of the activity feed, optionally of one type.
    public static func activityStreamPath(type: String?) -> String { streamPath(Routes.activitySubscribe, query: [("type", type)]) }
}
