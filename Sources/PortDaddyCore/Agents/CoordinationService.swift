import PortDaddyAPI
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Agents, their sessions and notes, advisory file claims, salvage of dead agents' work, and integration
/// signals. Every operation is one write transaction; the rules live here, the SQL in the store.
public final class CoordinationService: Sendable {
    let store: any CoordinationStore
    let claims: ClaimService
    let locks: LockService
    let processes: any ProcessProber
    let clock: any WallClock
    let activity: ActivityLog?
    /// Told about file claims and departed agents (pheromone heat, harbor membership).
    let observer: (any CoordinationObserver)?
    /// When each agent's implicit heartbeat was last written, to write at most every few seconds.
    let touched = Mutex<[String: Int64]>([:])
    /// The arbiter, told when an agent is bound to a PID.
    public let watcher = WatcherSlot()
    /// Cluster mode: which node this is and which other nodes are alive (nil: one host, SQLite).
    let nodes: (any NodeLiveness)?

    /// An agent counts as alive for this long after its last heartbeat unless registered with another TTL.
    public static let defaultAgentTTL: Double = 600

    public init(
        store: any CoordinationStore, claims: ClaimService, locks: LockService, processes: any ProcessProber = SystemProcessProber(),
        clock: any WallClock = SystemWallClock(), activity: ActivityLog? = nil, observer: (any CoordinationObserver)? = nil,
        nodes: (any NodeLiveness)? = nil
    ) {
        self.nodes = nodes
        self.observer = observer
        self.store = store
        self.claims = claims
        self.locks = locks
        self.processes = processes
        self.clock = clock
        self.activity = activity
    }

    // MARK: agents

    /// Validates an agent id: `[a-z0-9._-]`, 1 to 64 characters, lower-cased.
    public static func agentID(_ raw: String) throws(PortDaddyError) -> String {
        let id = raw.trimmingWhitespace().lowercased()
        guard !id.isEmpty, id.utf8.count <= 63, id.utf8.allSatisfy({ Identity.isAllowed($0) }) else {
            throw .invalidAgent("agent id \"\(raw)\" is not valid; use 1-63 characters of a-z, 0-9, '.', '_' and '-'")
        }
        return id
    }

    /// An agent registered with a PID lives exactly as long as that process (PID and start time); one without
    /// lives while its last heartbeat is within its TTL. In cluster mode an agent of another node lives while that
    /// node does (lease plus grace): its PID and heartbeat are that node's to judge.
    func isAlive(_ agent: AgentRecord, now: Int64) -> Bool {
        guard agent.state == "active" else { return false }
        if let node = foreignNode(of: agent), let nodes { return nodes.isNodeAlive(node) }
        if agent.pid != nil { return processes.isAlive(pid: agent.pid, start: agent.pidStart) }
        return now - agent.lastHeartbeat <= agent.ttlMillis
    }

    /// The agent's node when it is another node than this one (cluster mode only).
    func foreignNode(of agent: AgentRecord) -> String? {
        guard let nodes, let node = agent.node, node != nodes.localNode else { return nil }
        return node
    }

    func info(_ agent: AgentRecord, now: Int64, activeSession: String?) -> AgentInfo {
        var state = agent.state == "gone" ? "gone" : (isAlive(agent, now: now) ? "alive" : "dead")
        if state == "alive" && agent.pid == nil && now - agent.lastHeartbeat > agent.ttlMillis / 2 {
            state = "stale"
        }
        return AgentInfo(
            id: agent.id, identity: agent.identity, purpose: agent.purpose, pid: agent.pid.map(Int.init), state: state,
            ttlSeconds: Double(agent.ttlMillis) / 1000, registeredAt: agent.registeredAt, lastHeartbeat: agent.lastHeartbeat,
            activeSession: activeSession, name: agent.name)
    }

    /// Registers (or re-registers) an agent; reports dead agents of the same project whose work waits in salvage.
    public func register(
        id raw: String, identity: String?, purpose: String?, pid: Int32?, ttlSeconds: Double?, name: String? = nil
    ) throws(PortDaddyError) -> (
        AgentInfo, [String]
    ) {
        let id = try Self.agentID(raw)
        var normalizedIdentity: String?
        if let identity {
            do { normalizedIdentity = try Identity(parsing: identity).description } catch { throw .invalidIdentity(error.description) }
        }
        if let purpose, purpose.utf8.count > 2000 { throw .invalidRequest("purpose must be at most 2000 bytes") }
        if let name, name.utf8.count > 200 { throw .invalidRequest("name must be at most 200 bytes") }
        let pidStart = pid.flatMap { processes.startTime(of: $0) }
        let now = clock.nowMillis()
        let (agent, session, dead) = try store.write { tx in
            var agent =
                try tx.agent(id)
                ?? AgentRecord(
                    id: id, identity: nil, purpose: nil, pid: nil, pidStart: nil, ttlMillis: 0, registeredAt: now, lastHeartbeat: now,
                    state: "active", diedAt: nil)
            // A PID from an earlier life (or one that has exited) must not decide this life: keep the old PID
            // only while the agent is active and that process still runs.
            // Another node's PID is not this host's to probe. Registering here makes the agent this node's.
            let oldPIDAlive =
                agent.state == "active" && foreignNode(of: agent) == nil && processes.isAlive(pid: agent.pid, start: agent.pidStart)
            agent.node = nil
            if agent.state != "active" { agent.registeredAt = now }
            agent.identity = normalizedIdentity ?? agent.identity
            agent.purpose = purpose ?? agent.purpose
            if let name = name?.trimmingWhitespace(), !name.isEmpty { agent.name = name }
            if let pid {
                agent.pid = pid
                agent.pidStart = pidStart
            } else if !oldPIDAlive {
                agent.pid = nil
                agent.pidStart = nil
            }
            agent.ttlMillis = ttlSeconds.map { Int64($0 * 1000) } ?? (agent.ttlMillis > 0 ? agent.ttlMillis : Int64(Self.defaultAgentTTL * 1000))
            agent.lastHeartbeat = now
            agent.state = "active"
            agent.diedAt = nil
            try tx.saveAgent(agent)
            return (agent, try tx.activeSession(of: id)?.id, try Self.deadInProject(of: agent.identity, tx))
        }
        activity?.record(.agentRegister, actor: id, subject: id, detail: agent.identity)
        if let pid { watcher.current?.agentBound(id, pid: pid, start: pidStart) }
        return (info(agent, now: now, activeSession: session), dead)
    }

    static func deadInProject(of identity: String?, _ tx: any CoordinationTransaction) throws -> [String] {
        guard let project = identity?.split(separator: ":").first.map(String.init) else { return [] }
        return try tx.salvageRecords().filter { $0.state == "waiting" }.compactMap { record in
            guard let dead = try tx.agent(record.agentID), dead.identity?.split(separator: ":").first.map(String.init) == project else { return nil }
            return dead.id
        }
    }

    /// Records a heartbeat.
    public func heartbeat(_ raw: String) throws(PortDaddyError) -> AgentInfo {
        let id = try Self.agentID(raw)
        let now = clock.nowMillis()
        let (agent, session) = try store.write { tx -> (AgentRecord?, String?) in
            guard var agent = try tx.agent(id), agent.state == "active" else { return (nil, nil) }
            agent.lastHeartbeat = now
            try tx.setHeartbeat(id, at: now)
            return (agent, try tx.activeSession(of: id)?.id)
        }
        guard let agent else { throw .notFound("agent \(id) is not registered; register with pd agent register --agent \(id)") }
        touched.withLock { $0[id] = now }
        return info(agent, now: now, activeSession: session)
    }

    /// Any request that names an agent counts as a heartbeat (written at most every 5 s per agent).
    public func touch(_ raw: String) {
        guard let id = try? Self.agentID(raw) else { return }
        let now = clock.nowMillis()
        let due = touched.withLock { map -> Bool in
            if let last = map[id], now - last < 5000 { return false }
            map[id] = now
            return true
        }
        if due { _ = try? store.write { tx in try tx.setHeartbeat(id, at: now) } }
    }

    /// Unregisters an agent: its active session ends as abandoned, its file claims and locks are released.
    public func unregister(_ raw: String) throws(PortDaddyError) {
        let id = try Self.agentID(raw)
        let now = clock.nowMillis()
        let ended = try store.write { tx throws -> SessionRecord? in
            guard var agent = try tx.agent(id) else { throw PortDaddyError.notFound("agent \(id) is not registered") }
            agent.state = "gone"
            try tx.saveAgent(agent)
            guard var session = try tx.activeSession(of: id) else { return nil }
            for path in try tx.files(of: session.id) { try tx.removeFileClaim(path: path, session: session.id) }
            session.state = "abandoned"
            session.phase = .abandoned
            session.endedAt = now
            try tx.saveSession(session)
            return session
        }
        if let ended, let identity = ended.identity { releaseSessionClaim(identity) }
        for lock in locks.releaseAll(ownedBy: id) {
            activity?.record(.lockRelease, actor: id, subject: lock.name.value, detail: "token \(lock.token); agent unregistered")
        }
        activity?.record(.agentUnregister, actor: id, subject: id)
        observer?.agentsLeft([id])
    }

    public func agents() throws(PortDaddyError) -> [AgentInfo] {
        let now = clock.nowMillis()
        return try store.read { tx in try tx.agents().map { info($0, now: now, activeSession: try tx.activeSession(of: $0.id)?.id) } }
    }

    /// The agent and its active session, if registered.
    public func whoami(_ raw: String) throws(PortDaddyError) -> (AgentInfo?, SessionInfo?) {
        let id = try Self.agentID(raw)
        let now = clock.nowMillis()
        return try store.read { tx in
            guard let agent = try tx.agent(id) else { return (nil, nil) }
            let session = try tx.activeSession(of: id)
            return (info(agent, now: now, activeSession: session?.id), try session.map { try Self.sessionInfo($0, tx) })
        }
    }

    static func sessionInfo(_ s: SessionRecord, _ tx: any CoordinationTransaction) throws -> SessionInfo {
        SessionInfo(
            id: s.id, agentID: s.agentID, purpose: s.purpose, identity: s.identity, phase: s.phase, state: s.state,
            startedAt: s.startedAt, endedAt: s.endedAt, files: try tx.files(of: s.id), notes: try tx.notes(of: s.id))
    }
}

extension String {
    /// A short random hex id, e.g. for sessions.
    static func randomID(prefix: String) -> String {
        prefix + Secret.hex(bytes: 5)
    }
}
