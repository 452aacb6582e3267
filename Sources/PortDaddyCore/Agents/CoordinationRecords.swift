import PortDaddyAPI

/// A registered agent.
public struct AgentRecord: Sendable, Equatable {
    public var id: String
    public var identity: String?
    public var purpose: String?
    public var pid: Int32?
    public var pidStart: UInt64?
    public var ttlMillis: Int64
    public var registeredAt: Int64
    public var lastHeartbeat: Int64
    /// `active`, `dead` or `gone` (unregistered).
    public var state: String
    public var diedAt: Int64?
    /// A public display label ("Fix Flaky Test").
    public var name: String? = nil
    /// Cluster mode: the node whose daemon registered the agent (nil: this node; always nil in SQLite mode).
    public var node: String? = nil

    /// An agent record as a store reads it back.
    public init(
        id: String, identity: String? = nil, purpose: String? = nil, pid: Int32? = nil, pidStart: UInt64? = nil, ttlMillis: Int64,
        registeredAt: Int64,
        lastHeartbeat: Int64, state: String, diedAt: Int64? = nil, name: String? = nil, node: String? = nil
    ) {
        self.id = id
        self.identity = identity
        self.purpose = purpose
        self.pid = pid
        self.pidStart = pidStart
        self.ttlMillis = ttlMillis
        self.registeredAt = registeredAt
        self.lastHeartbeat = lastHeartbeat
        self.state = state
        self.diedAt = diedAt
        self.name = name
        self.node = node
    }
}

/// A work session of one agent.
public struct SessionRecord: Sendable, Equatable {
    public var id: String
    public var agentID: String
    public var purpose: String
    public var identity: String? = nil
    public var phase: SessionPhase
    public var state: String
    public var startedAt: Int64
    public var endedAt: Int64? = nil

    /// A session record as a store reads it back.
    public init(
        id: String, agentID: String, purpose: String, identity: String? = nil, phase: SessionPhase, state: String, startedAt: Int64,
        endedAt: Int64? = nil
    ) {
        self.id = id
        self.agentID = agentID
        self.purpose = purpose
        self.identity = identity
        self.phase = phase
        self.state = state
        self.startedAt = startedAt
        self.endedAt = endedAt
    }
}

/// A dead agent's work waiting for a taker.
public struct SalvageRecord: Sendable, Equatable {
    public var agentID: String
    public var diedAt: Int64
    public var state: String
    public var claimedBy: String? = nil
    public var resolvedAt: Int64? = nil

    /// A salvage record as a store reads it back.
    public init(agentID: String, diedAt: Int64, state: String, claimedBy: String? = nil, resolvedAt: Int64? = nil) {
        self.agentID = agentID
        self.diedAt = diedAt
        self.state = state
        self.claimedBy = claimedBy
        self.resolvedAt = resolvedAt
    }
}

/// An integration signal: an identity is ready, or needs something.
public struct IntegrationRecord: Sendable, Equatable {
    public var identity: String
    public var kind: String
    public var detail: String
    public var agentID: String? = nil
    public var at: Int64

    /// An integration signal as a store reads it back.
    public init(identity: String, kind: String, detail: String, agentID: String? = nil, at: Int64) {
        self.identity = identity
        self.kind = kind
        self.detail = detail
        self.agentID = agentID
        self.at = at
    }
}

/// Reads and writes of the coordination tables inside one transaction.
public protocol CoordinationTransaction {
    func agent(_ id: String) throws -> AgentRecord?
    func agents() throws -> [AgentRecord]
    func saveAgent(_ agent: AgentRecord) throws
    func setHeartbeat(_ id: String, at millis: Int64) throws

    func session(_ id: String) throws -> SessionRecord?
    func activeSession(of agentID: String) throws -> SessionRecord?
    func sessions(of agentID: String?, includeEnded: Bool) throws -> [SessionRecord]
    func sessions(inState state: String, of agentID: String) throws -> [SessionRecord]
    func saveSession(_ session: SessionRecord) throws

    func addNote(session: String, type: NoteType, text: String, at millis: Int64) throws -> NoteInfo
    func notes(of session: String) throws -> [NoteInfo]
    func moveNotes(from: String, to: String) throws

    /// A claim on `path` of an active session, if any (the oldest grant).
    func activeFileClaim(_ path: String) throws -> FileClaimInfo?
    /// Every claim of active sessions on `path`, oldest grant first.
    func activeFileClaims(on path: String) throws -> [FileClaimInfo]
    func activeFileClaims() throws -> [FileClaimInfo]
    /// Claims of active sessions made with the user's authority (the ones the snapshot watcher may read).
    func trustedActiveFileClaims() throws -> [FileClaimInfo]
    func files(of session: String) throws -> [String]
    /// Grants a claim (replacing the session's claim on the path) with the path's next fencing token.
    func addFileClaim(_ grant: FileGrant) throws -> FileClaimInfo
    /// The session's claim on `path`, active or not, and whether it was made with the user's authority.
    func fileClaim(path: String, session: String) throws -> (FileClaimInfo, trusted: Bool)?
    func removeFileClaim(path: String, session: String) throws
    /// The last fencing token granted on `path`.
    func latestFileToken(_ path: String) throws -> Int64?
    /// The agent's claim on `path` with the largest token, in any of its sessions (a salvaged one keeps its rows).
    func lastFileClaim(of agent: String, path: String) throws -> FileClaimInfo?

    func salvage(_ agentID: String) throws -> SalvageRecord?
    func salvageRecords() throws -> [SalvageRecord]
    func saveSalvage(_ record: SalvageRecord) throws

    func saveIntegration(_ record: IntegrationRecord) throws
    func integrations() throws -> [IntegrationRecord]
}

/// Storage that runs coordination work in write transactions.
public protocol CoordinationStore: Sendable {
    func write<T>(_ body: (any CoordinationTransaction) throws -> T) throws(PortDaddyError) -> T
    func read<T>(_ body: (any CoordinationTransaction) throws -> T) throws(PortDaddyError) -> T
}
