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
    /// The hottest files (`?heat=1`, `pd look --heat`).
    public var heat: [FileHeat]?
    /// Over plain TCP without the user's token, note text is withheld: `notes` is empty and this counts them.
    public var notesWithheld: Int?

    public init(
        summary: String, since: Int64, agents: [AgentInfo], activity: [ActivityInfo], notes: [AgentNote], salvage: [SalvageInfo],
        runs: [RunInfo], heat: [FileHeat]? = nil
    ) {
        self.summary = summary
        self.since = since
        self.agents = agents
        self.activity = activity
        self.notes = notes
        self.salvage = salvage
        self.runs = runs
        self.heat = heat
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
    /// Notes pinned with `pd say --pin` (tuples `["note", agent, session, text]`), oldest first.
    public var pinned: [TupleInfo]
    /// The hottest files, with their holders.
    public var hotFiles: [FileHeat]

    public init(
        project: String?, generatedAt: Int64, agents: [AgentInfo], sessions: [SessionInfo], files: [FileClaimInfo], locks: [LockInfo],
        stacks: [String], runs: [RunInfo], salvage: [SalvageInfo], integration: [IntegrationSignal], changelog: [ChangeEntry],
        pinned: [TupleInfo] = [], hotFiles: [FileHeat] = []
    ) {
        self.pinned = pinned
        self.hotFiles = hotFiles
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

/// The kinds of episodes: notes worth remembering and how missions ended.
public enum EpisodeType: String, Codable, Sendable, CaseIterable {
    case handoff, finding, blocker, outcome
}

/// One episode of episodic memory.
public struct Episode: Codable, Sendable, Equatable {
    public var id: Int64
    public var project: String?
    public var identity: String?
    public var type: EpisodeType
    public var text: String
    /// Where it came from: `note:<id>`, `run:<id>`, `sortie:<id>`.
    public var source: String
    public var agent: String?
    /// The session it came from, if any.
    public var session: String?
    public var at: Int64

    public init(
        id: Int64, project: String?, identity: String?, type: EpisodeType, text: String, source: String, agent: String?, session: String?,
        at: Int64
    ) {
        self.id = id
        self.project = project
        self.identity = identity
        self.type = type
        self.text = text
        self.source = source
        self.agent = agent
        self.session = session
        self.at = at
    }
}

/// `GET /memory/episodes`.
public struct EpisodesResponse: Codable, Sendable, Equatable {
    public var episodes: [Episode]
    public init(episodes: [Episode]) { self.episodes = episodes }
}

/// `GET /memory/stats`: episodes by type, their span, and how many ended sessions left at least one.
public struct EpisodeStats: Codable, Sendable, Equatable {
    public var byType: [String: Int]
    public var oldest: Int64?
    public var newest: Int64?
    public var endedSessions: Int
    public var sessionsWithEpisodes: Int
    /// `sessionsWithEpisodes / endedSessions` (0 when no session ended).
    public var coverage: Double

    public init(byType: [String: Int], oldest: Int64?, newest: Int64?, endedSessions: Int, sessionsWithEpisodes: Int, coverage: Double) {
        self.byType = byType
        self.oldest = oldest
        self.newest = newest
        self.endedSessions = endedSessions
        self.sessionsWithEpisodes = sessionsWithEpisodes
        self.coverage = coverage
    }
}

/// One construct of the memory model, its tier, how long it is kept, and how many there are now.
public struct MemoryConstruct: Codable, Sendable, Equatable {
    /// Kebab-case name (`active-file-claims`, `archived-notes`).
    public var name: String
    /// `core`, `recall` or `archival`.
    public var tier: String
    public var retention: String
    public var count: Int

    public init(name: String, tier: String, retention: String, count: Int) {
        self.name = name
        self.tier = tier
        self.retention = retention
        self.count = count
    }
}

/// `GET /memory/tiers`.
public struct MemoryTiersResponse: Codable, Sendable, Equatable {
    public var constructs: [MemoryConstruct]
    /// Counts per tier.
    public var totals: [String: Int]
    public init(constructs: [MemoryConstruct], totals: [String: Int]) {
        self.constructs = constructs
        self.totals = totals
    }
}
