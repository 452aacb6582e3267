/// The kinds of changelog entries.
public enum ChangeType: String, Codable, Sendable, CaseIterable {
    case feat, fix, refactor, docs, chore, note
}

/// One changelog entry: what changed on an identity, and who said so.
public struct ChangeEntry: Codable, Sendable, Equatable {
    public var id: Int64
    public var identity: String
    public var type: ChangeType
    public var summary: String
    public var description: String?
    public var agent: String?
    public var session: String?
    public var at: Int64

    public init(
        id: Int64, identity: String, type: ChangeType, summary: String, description: String?, agent: String?, session: String?, at: Int64
    ) {
        self.id = id
        self.identity = identity
        self.type = type
        self.summary = summary
        self.description = description
        self.agent = agent
        self.session = session
        self.at = at
    }
}

/// `POST /changelog`.
public struct ChangeRequest: Codable, Sendable, Equatable {
    public var identity: String
    public var summary: String
    public var type: ChangeType?
    public var description: String?
    public var agent: String?

    public init(identity: String, summary: String, type: ChangeType? = nil, description: String? = nil, agent: String? = nil) {
        self.identity = identity
        self.summary = summary
        self.type = type
        self.description = description
        self.agent = agent
    }
}

/// `GET /changelog`.
public struct ChangelogResponse: Codable, Sendable, Equatable {
    public var entries: [ChangeEntry]
    public init(entries: [ChangeEntry]) { self.entries = entries }
}

/// One node of the changelog tree: project → stack → context, with counts and the latest entries.
public struct ChangeTreeNode: Codable, Sendable, Equatable {
    public var identity: String
    /// Entries on this identity and everything below it.
    public var count: Int
    public var latest: [ChangeEntry]
    public var children: [ChangeTreeNode]

    public init(identity: String, count: Int, latest: [ChangeEntry], children: [ChangeTreeNode]) {
        self.identity = identity
        self.count = count
        self.latest = latest
        self.children = children
    }
}

/// `GET /changelog/tree`.
public struct ChangeTreeResponse: Codable, Sendable, Equatable {
    public var roots: [ChangeTreeNode]
    public init(roots: [ChangeTreeNode]) { self.roots = roots }
}

/// A note with whose it is, for views across sessions.
public struct AgentNote: Codable, Sendable, Equatable {
    public var agentID: String
    public var identity: String?
    public var note: NoteInfo

    public init(agentID: String, identity: String?, note: NoteInfo) {
        self.agentID = agentID
        self.identity = identity
        self.note = note
    }
}

/// `GET /look`: what happened lately and who is around, with a one-line summary.
public struct LookResponse: Codable, Sendable, Equatable {
    /// One line, e.g. `4 agents live · 3 notes · 1 salvage waiting · 1 run · 17 events in 30m`.
    public var summary: String
    public var since: Int64
    public var agents: [AgentInfo]
    public var activity: [ActivityInfo]
    public var notes: [AgentNote]
    public var salvage: [SalvageInfo]
    public var runs: [RunInfo]

    public init(
        summary: String, since: Int64, agents: [AgentInfo], activity: [ActivityInfo], notes: [AgentNote], salvage: [SalvageInfo],
        runs: [RunInfo]
    ) {
        self.summary = summary
        self.since = since
        self.agents = agents
        self.activity = activity
        self.notes = notes
        self.salvage = salvage
        self.runs = runs
    }
}

/// `GET /briefing`: everything an agent should know before it starts, in one document.
public struct BriefingResponse: Codable, Sendable, Equatable {
    public var project: String?
    public var generatedAt: Int64
    public var agents: [AgentInfo]
    public var sessions: [SessionInfo]
    public var files: [FileClaimInfo]
    public var locks: [LockInfo]
    public var stacks: [String]
    public var runs: [RunInfo]
    public var salvage: [SalvageInfo]
    public var integration: [IntegrationSignal]
    public var changelog: [ChangeEntry]

    public init(
        project: String?, generatedAt: Int64, agents: [AgentInfo], sessions: [SessionInfo], files: [FileClaimInfo], locks: [LockInfo],
        stacks: [String], runs: [RunInfo], salvage: [SalvageInfo], integration: [IntegrationSignal], changelog: [ChangeEntry]
    ) {
        self.project = project
        self.generatedAt = generatedAt
        self.agents = agents
        self.sessions = sessions
        self.files = files
        self.locks = locks
        self.stacks = stacks
        self.runs = runs
        self.salvage = salvage
        self.integration = integration
        self.changelog = changelog
    }
}
