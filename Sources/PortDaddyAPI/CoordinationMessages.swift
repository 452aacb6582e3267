/// Phases a session moves through.
public enum SessionPhase: String, Codable, Sendable, CaseIterable {
    case planning, in_progress, testing, reviewing, completed, abandoned
}

/// Kinds of session notes.
public enum NoteType: String, Codable, Sendable, CaseIterable {
    case note, handoff, finding, blocker, commit
}

/// Header naming the agent a request acts for (set by the CLI from `PD_AGENT_ID` or its terminal session).
public enum AgentHeader {
    public static let name = "X-PD-Agent"
}

/// An agent as the registry reports it.
public struct AgentInfo: Codable, Sendable, Equatable {
    public var id: String
    public var identity: String?
    public var purpose: String?
    public var pid: Int?
    /// `alive`, `stale` (heartbeat older than half its TTL), `dead`, or `gone` (unregistered).
    public var state: String
    public var ttlSeconds: Double
    public var registeredAt: Int64
    public var lastHeartbeat: Int64
    public var activeSession: String?
    /// The agent's display name, when it has one.
    public var name: String?

    public init(
        id: String, identity: String?, purpose: String?, pid: Int?, state: String, ttlSeconds: Double, registeredAt: Int64, lastHeartbeat: Int64,
        activeSession: String?, name: String? = nil
    ) {
        self.id = id
        self.identity = identity
        self.purpose = purpose
        self.pid = pid
        self.state = state
        self.ttlSeconds = ttlSeconds
        self.registeredAt = registeredAt
        self.lastHeartbeat = lastHeartbeat
        self.activeSession = activeSession
        self.name = name
    }
}

/// `POST /agents` body.
public struct AgentRegisterRequest: Codable, Sendable, Equatable {
    public var id: String
    public var identity: String?
    public var purpose: String?
    public var pid: PID?
    public var ttl: DurationValue?
    /// A display name (a public label).
    public var name: String?
    public init(id: String, identity: String? = nil, purpose: String? = nil, pid: PID? = nil, ttl: DurationValue? = nil, name: String? = nil) {
        self.id = id
        self.identity = identity
        self.purpose = purpose
        self.pid = pid
        self.ttl = ttl
        self.name = name
    }
}

/// `POST /agents` response: the agent, and dead agents of the same project whose work waits in salvage.
public struct AgentRegisterResponse: Codable, Sendable, Equatable {
    public var agent: AgentInfo
    public var deadInProject: [String]
    public var notice: String?
    public init(agent: AgentInfo, deadInProject: [String], notice: String?) {
        self.agent = agent
        self.deadInProject = deadInProject
        self.notice = notice
    }
}

public struct AgentsResponse: Codable, Sendable, Equatable {
    public var agents: [AgentInfo]
    public init(agents: [AgentInfo]) { self.agents = agents }
}

/// A note in a session.
public struct NoteInfo: Codable, Sendable, Equatable {
    public var id: Int64
    public var sessionID: String
    public var type: NoteType
    public var text: String
    public var at: Int64
    /// True when the agent had no active session and this note started one (purpose "quick notes").
    public var startedSession: Bool?
    /// Set when the note's encrypted text cannot be read (`NOTE_KEY_MISSING`, `NOTE_TAMPERED`); `text` is then a
    /// placeholder.
    public var unreadable: ErrorBody?
    public init(
        id: Int64, sessionID: String, type: NoteType, text: String, at: Int64, startedSession: Bool? = nil, unreadable: ErrorBody? = nil
    ) {
        self.startedSession = startedSession
        self.unreadable = unreadable
        self.id = id
        self.sessionID = sessionID
        self.type = type
        self.text = text
        self.at = at
    }
}

/// A session as reported.
public struct SessionInfo: Codable, Sendable, Equatable {
    public var id: String
    public var agentID: String
    public var purpose: String
    public var identity: String?
    public var phase: SessionPhase
    /// `active`, `completed`, `abandoned`, `salvage` (its agent died), `salvaged` (its work moved on).
    public var state: String
    public var startedAt: Int64
    public var endedAt: Int64?
    public var files: [String]
    public var notes: [NoteInfo]
    /// Over plain TCP without the user's token, note text is withheld: `notes` is empty and this counts them.
    public var notesWithheld: Int?
    public init(
        id: String, agentID: String, purpose: String, identity: String?, phase: SessionPhase, state: String, startedAt: Int64, endedAt: Int64?,
        files: [String], notes: [NoteInfo]
    ) {
        self.id = id
        self.agentID = agentID
        self.purpose = purpose
        self.identity = identity
        self.phase = phase
        self.state = state
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.files = files
        self.notes = notes
    }
}

public struct SessionsResponse: Codable, Sendable, Equatable {
    public var sessions: [SessionInfo]
    public init(sessions: [SessionInfo]) { self.sessions = sessions }
}

/// `POST /sessions` body (`pd begin`).
public struct BeginRequest: Codable, Sendable, Equatable {
    public var purpose: String
    public var agent: String
    public var identity: String?
    public var files: [String]?
    public var pid: PID?
    /// A display name for the agent (a public label).
    public var name: String?
    /// SHA-256 of each file in `files` as the CLI read it (by path), recorded with the claims (for `pd advise`).
    public var fileHashes: [String: String]?
    public init(
        purpose: String, agent: String, identity: String? = nil, files: [String]? = nil, pid: PID? = nil, name: String? = nil,
        fileHashes: [String: String]? = nil
    ) {
        self.fileHashes = fileHashes
        self.purpose = purpose
        self.agent = agent
        self.identity = identity
        self.files = files
        self.pid = pid
        self.name = name
    }
}

/// `POST /sessions` response.
public struct BeginResponse: Codable, Sendable, Equatable {
    public var agentID: String
    public var session: SessionInfo
    public var port: Int?
    public var deadInProject: [String]
    public init(agentID: String, session: SessionInfo, port: Int?, deadInProject: [String]) {
        self.agentID = agentID
        self.session = session
        self.port = port
        self.deadInProject = deadInProject
    }
}

public struct NoteRequest: Codable, Sendable, Equatable {
    public var text: String
    public var type: NoteType?
    public init(text: String, type: NoteType? = nil) {
        self.text = text
        self.type = type
    }
}

public struct PhaseRequest: Codable, Sendable, Equatable {
    public var phase: SessionPhase
    public init(phase: SessionPhase) { self.phase = phase }
}

public struct DoneRequest: Codable, Sendable, Equatable {
    public var note: String?
    public var abandon: Bool?
    public init(note: String? = nil, abandon: Bool? = nil) {
        self.note = note
        self.abandon = abandon
    }
}

/// `POST /files/claim` body (and `DELETE /files/claim`, which reads only `paths`).
public struct FileClaimRequest: Codable, Sendable, Equatable {
    /// Whole-file claims (absolute paths).
    public var paths: [String]
    public var force: Bool?
    /// Region, symbol or hashed claims; claimed together with `paths`, all or nothing.
    public var targets: [FileClaimTarget]?
    public init(paths: [String], force: Bool? = nil, targets: [FileClaimTarget]? = nil) {
        self.paths = paths
        self.force = force
        self.targets = targets
    }
}

/// One file claim to make: the whole file, lines `startLine...endLine` (an open bound runs to the start or end of
/// the file), or a symbol; with the SHA-256 of the file's bytes as the CLI read them.
public struct FileClaimTarget: Codable, Sendable, Equatable {
    public var path: String
    public var startLine: Int?
    public var endLine: Int?
    public var symbol: String?
    /// SHA-256, 64 lowercase hex digits.
    public var contentHash: String?
    public init(path: String, startLine: Int? = nil, endLine: Int? = nil, symbol: String? = nil, contentHash: String? = nil) {
        self.path = path
        self.startLine = startLine
        self.endLine = endLine
        self.symbol = symbol
        self.contentHash = contentHash
    }
}

/// A file claim.
public struct FileClaimInfo: Codable, Sendable, Equatable {
    public var path: String
    public var sessionID: String
    public var agentID: String
    public var claimedAt: Int64
    /// The fencing token of this grant: strictly increasing per path (a re-grant after salvage gets a larger one).
    public var token: Int64?
    /// SHA-256 (lowercase hex) of the file's bytes when it was claimed, as the CLI read them; nil when unknown.
    public var contentHash: String?
    /// First line of a region claim (1-based, inclusive); nil = from the start of the file.
    public var startLine: Int?
    /// Last line of a region claim (inclusive); nil = to the end of the file.
    public var endLine: Int?
    /// The symbol of a symbol claim (`--symbol NAME`); nil for file and line-region claims.
    public var symbol: String?
    public init(
        path: String, sessionID: String, agentID: String, claimedAt: Int64, token: Int64? = nil, contentHash: String? = nil,
        startLine: Int? = nil, endLine: Int? = nil, symbol: String? = nil
    ) {
        self.path = path
        self.sessionID = sessionID
        self.agentID = agentID
        self.claimedAt = claimedAt
        self.token = token
        self.contentHash = contentHash
        self.startLine = startLine
        self.endLine = endLine
        self.symbol = symbol
    }
}

public struct FileClaimsResponse: Codable, Sendable, Equatable {
    public var claims: [FileClaimInfo]
    public init(claims: [FileClaimInfo]) { self.claims = claims }
}

/// `POST /files/check` body and response (`pd guard`).
public struct FileCheckRequest: Codable, Sendable, Equatable {
    public var paths: [String]
    /// `pd guard --strict`: also report every path the caller's session does not hold with the path's latest token.
    public var strict: Bool?
    public init(paths: [String], strict: Bool? = nil) {
        self.paths = paths
        self.strict = strict
    }
}

public struct FileCheckResponse: Codable, Sendable, Equatable {
    /// Paths held by another live session.
    public var conflicts: [FileClaimInfo]
    /// With `strict`: the caller's active session, nil when it has none.
    public var sessionID: String?
    /// With `strict`: each path the caller's session does not hold with the latest token.
    public var problems: [FileCheckProblem]?
    public init(conflicts: [FileClaimInfo], sessionID: String? = nil, problems: [FileCheckProblem]? = nil) {
        self.conflicts = conflicts
        self.sessionID = sessionID
        self.problems = problems
    }
}

/// Why the strict guard refuses one staged path.
public struct FileCheckProblem: Codable, Sendable, Equatable {
    public enum Reason: String, Codable, Sendable {
        /// Your session holds no claim on the path.
        case unclaimed
        /// Your claim's token is no longer the path's latest (it was salvaged and re-granted, or claimed again).
        case stale
    }
    public var path: String
    public var reason: Reason
    /// Your latest token on the path, if you ever held one.
    public var token: Int64?
    /// The path's latest token and who holds it now (nil when nobody does).
    public var latestToken: Int64?
    public var holder: FileClaimInfo?
    /// The command that fixes it.
    public var action: String
    public init(path: String, reason: Reason, token: Int64?, latestToken: Int64?, holder: FileClaimInfo?, action: String) {
        self.path = path
        self.reason = reason
        self.token = token
        self.latestToken = latestToken
        self.holder = holder
        self.action = action
    }
}

/// Work a dead agent left behind.
public struct SalvageInfo: Codable, Sendable, Equatable {
    public var agentID: String
    public var identity: String?
    public var purpose: String?
    public var diedAt: Int64
    /// `waiting`, `claimed`, `completed`, `dismissed`.
    public var state: String
    public var claimedBy: String?
    public var sessions: [SessionInfo]
    public init(agentID: String, identity: String?, purpose: String?, diedAt: Int64, state: String, claimedBy: String?, sessions: [SessionInfo]) {
        self.agentID = agentID
        self.identity = identity
        self.purpose = purpose
        self.diedAt = diedAt
        self.state = state
        self.claimedBy = claimedBy
        self.sessions = sessions
    }
}

public struct SalvageResponse: Codable, Sendable, Equatable {
    public var salvage: [SalvageInfo]
    public init(salvage: [SalvageInfo]) { self.salvage = salvage }
}

/// One activity record.
public struct ActivityInfo: Codable, Sendable, Equatable {
    public var id: Int64
    public var at: Int64
    public var type: String
    public var actor: String?
    public var subject: String
    public var detail: String?
    public init(id: Int64, at: Int64, type: String, actor: String?, subject: String, detail: String?) {
        self.id = id
        self.at = at
        self.type = type
        self.actor = actor
        self.subject = subject
        self.detail = detail
    }
}

public struct ActivityResponse: Codable, Sendable, Equatable {
    public var activity: [ActivityInfo]
    public init(activity: [ActivityInfo]) { self.activity = activity }
}

/// `GET /inbox` response.
public struct InboxResponse: Codable, Sendable, Equatable {
    public var agentID: String
    public var messages: [ChannelMessageInfo]
    /// Messages with an id up to this one are read.
    public var readUpTo: Int64
    public init(agentID: String, messages: [ChannelMessageInfo], readUpTo: Int64) {
        self.agentID = agentID
        self.messages = messages
        self.readUpTo = readUpTo
    }
}

/// `POST /integration/ready|needs` body.
public struct IntegrationRequest: Codable, Sendable, Equatable {
    public var identity: String
    public var detail: String?
    public init(identity: String, detail: String? = nil) {
        self.identity = identity
        self.detail = detail
    }
}

/// One integration signal.
public struct IntegrationSignal: Codable, Sendable, Equatable {
    public var identity: String
    public var kind: String
    public var detail: String
    public var agentID: String?
    public var at: Int64
    public init(identity: String, kind: String, detail: String, agentID: String?, at: Int64) {
        self.identity = identity
        self.kind = kind
        self.detail = detail
        self.agentID = agentID
        self.at = at
    }
}

public struct IntegrationResponse: Codable, Sendable, Equatable {
    public var signals: [IntegrationSignal]
    public init(signals: [IntegrationSignal]) { self.signals = signals }
}

/// `GET /wait` response.
public struct WaitResponse: Codable, Sendable, Equatable {
    public var ready: Bool
    public var pending: [String]
    public init(ready: Bool, pending: [String]) {
        self.ready = ready
        self.pending = pending
    }
}

/// `GET /whoami` response: the calling agent, and its active session if any.
public struct WhoamiResponse: Codable, Sendable, Equatable {
    public var agentID: String
    public var agent: AgentInfo?
    public var session: SessionInfo?
    public init(agentID: String, agent: AgentInfo?, session: SessionInfo?) {
        self.agentID = agentID
        self.agent = agent
        self.session = session
    }
}

/// `GET /sessions/current/notes` response.
public struct NotesResponse: Codable, Sendable, Equatable {
    public var notes: [NoteInfo]
    public init(notes: [NoteInfo]) { self.notes = notes }
}

/// `DELETE /agents/{id}` response.
public struct UnregisterResponse: Codable, Sendable, Equatable {
    public var unregistered: String
    public init(unregistered: String) { self.unregistered = unregistered }
}

/// `POST /inbox/read-all` response: how many messages were marked read.
public struct InboxMarkedResponse: Codable, Sendable, Equatable {
    public var marked: Int
    public init(marked: Int) { self.marked = marked }
}

/// `DELETE /inbox` response: how many messages were deleted.
public struct InboxClearedResponse: Codable, Sendable, Equatable {
    public var removed: Int
    public init(removed: Int) { self.removed = removed }
}
