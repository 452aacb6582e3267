extension Routes {
    // MARK: agents
    public static let agents = APIRoute<NoBody, AgentsResponse>(.get, "/agents", "agents: alive, stale, dead or gone")
    public static let registerAgent = APIRoute<AgentRegisterRequest, AgentRegisterResponse>(.post, "/agents", "register an agent")
    public static let heartbeat = APIRoute<NoBody, AgentInfo>(.post, "/agents/:id/heartbeat", "an agent's heartbeat")
    public static let unregisterAgent = APIRoute<NoBody, UnregisterResponse>(.delete, "/agents/:id", "unregister an agent")
    public static let whoami = APIRoute<NoBody, WhoamiResponse>(.get, "/whoami", "the calling agent and its session")

    // MARK: sessions and notes
    public static let begin = APIRoute<BeginRequest, BeginResponse>(.post, "/sessions", "begin a session")
    public static let sessions = APIRoute<NoBody, SessionsResponse>(.get, "/sessions", query: ["all", "agent"], "sessions")
    public static let addNote = APIRoute<NoteRequest, NoteInfo>(.post, "/sessions/current/notes", "add a note to the current session")
    public static let notes = APIRoute<NoBody, NotesResponse>(.get, "/sessions/current/notes", query: ["all"], "the current session's notes")
    public static let phase = APIRoute<PhaseRequest, SessionInfo>(.post, "/sessions/current/phase", "set the current session's phase")
    public static let done = APIRoute<DoneRequest, SessionInfo>(.post, "/sessions/current/done", "end the current session")

    // MARK: sugar: the later reference's route names for begin, done and whoami (the same handlers and trust)
    public static let sugarBegin = APIRoute<BeginRequest, BeginResponse>(.post, "/sugar/begin", "begin a session (alias of POST /sessions)")
    public static let sugarDone = APIRoute<DoneRequest, SessionInfo>(
        .post, "/sugar/done", "end the current session (alias of POST /sessions/current/done)")
    public static let sugarWhoami = APIRoute<NoBody, WhoamiResponse>(
        .get, "/sugar/whoami", "the calling agent and its session (alias of GET /whoami)")

    // MARK: files
    public static let files = APIRoute<NoBody, FileClaimsResponse>(.get, "/files", "file claims")
    public static let claimFiles = APIRoute<FileClaimRequest, FileClaimsResponse>(.post, "/files/claim", "claim files")
    public static let releaseFiles = APIRoute<FileClaimRequest, FileClaimsResponse>(.delete, "/files/claim", "release file claims")
    public static let fileOwner = APIRoute<NoBody, FileClaimsResponse>(.get, "/files/owner", query: ["path"], "who claims a file")
    public static let checkFiles = APIRoute<FileCheckRequest, FileCheckResponse>(.post, "/files/check", "conflicts with other sessions' claims")

    // MARK: snapshots
    public static let snapshots = APIRoute<NoBody, SnapshotsResponse>(
        .get, "/snapshots", query: ["path", "session", "limit"], "snapshots of claimed files (metadata)")
    public static let snapshot = APIRoute<NoBody, SnapshotContentResponse>(.get, "/snapshots/:id", "a snapshot's bytes (trusted)")

    // MARK: salvage
    public static let salvage = APIRoute<NoBody, SalvageResponse>(.get, "/salvage", query: ["project", "all"], "dead agents' work")
    public static let claimSalvage = APIRoute<NoBody, SessionInfo>(.post, "/salvage/:agent/claim", "take over a dead agent's work")
    public static let completeSalvage = APIRoute<NoBody, SalvageResponse>(.post, "/salvage/:agent/complete", "mark salvage completed")
    public static let dismissSalvage = APIRoute<NoBody, SalvageResponse>(.post, "/salvage/:agent/dismiss", "dismiss salvage")

    // MARK: inbox
    public static let sendInbox = APIRoute<PublishRequest, ChannelMessageInfo>(.post, "/inbox/:agent", "send to an agent's inbox")
    public static let inbox = APIRoute<NoBody, InboxResponse>(.get, "/inbox", query: ["unread"], "the calling agent's inbox")
    public static let readAllInbox = APIRoute<NoBody, InboxMarkedResponse>(.post, "/inbox/read-all", "mark the inbox read")
    public static let clearInbox = APIRoute<NoBody, InboxClearedResponse>(.delete, "/inbox", "delete the inbox's messages")

    // MARK: integration signals, wait, activity
    public static let integration = APIRoute<NoBody, IntegrationResponse>(.get, "/integration", "integration signals")
    public static let signalReady = APIRoute<IntegrationRequest, IntegrationSignal>(.post, "/integration/ready", "an identity is ready")
    public static let signalNeeds = APIRoute<IntegrationRequest, IntegrationSignal>(.post, "/integration/needs", "an identity needs something")
    public static let wait = APIRoute<NoBody, WaitResponse>(.get, "/wait", query: ["ids", "timeout"], "until identities are ready")
    public static let activitySubscribe = APIRoute<NoBody, EventStream>(
        .get, "/activity/subscribe", query: ["type", "after"], "activity as server-sent events")
    public static let activityPoll = APIRoute<NoBody, ActivityResponse>(
        .get, "/activity/poll", query: ["after", "type", "timeout"], "long-poll for activity")
    public static let activity = APIRoute<NoBody, ActivityResponse>(.get, "/activity", query: ["since", "type", "limit"], "the audit trail")

    static var coordinationRoutes: [AnyAPIRoute] {
        [
            agents.erased, registerAgent.erased, heartbeat.erased, unregisterAgent.erased, whoami.erased,
            begin.erased, sessions.erased, addNote.erased, notes.erased, phase.erased, done.erased,
            sugarBegin.erased, sugarDone.erased, sugarWhoami.erased,
            files.erased, claimFiles.erased, releaseFiles.erased, fileOwner.erased, checkFiles.erased, snapshots.erased, snapshot.erased,
            salvage.erased, claimSalvage.erased, completeSalvage.erased, dismissSalvage.erased,
            sendInbox.erased, inbox.erased, readAllInbox.erased, clearInbox.erased,
            integration.erased, signalReady.erased, signalNeeds.erased, wait.erased,
            activitySubscribe.erased, activityPoll.erased, activity.erased,
        ]
    }
}
