import PortDaddyAPI
import PortDaddyCore
import PostgresNIO

/// Agents, sessions, notes, file claims, salvage and integration signals in PostgreSQL, shared by every node.
///
/// A write is one transaction that first takes a cluster-wide advisory transaction lock, so coordination writes
/// serialize across nodes as they do behind SQLite's single writer; a read is one REPEATABLE READ transaction without
/// it. Each agent row carries the node that registered it (`coalesce(record.node, this node)` on save), so other nodes
/// judge it by that node's lease.
///
/// Notes are stored as plain text: the SQLite store seals them with its vault (a key on one host), which is not
/// ported to the cluster; whoever can read the cluster database can read the notes.
final class ClusterCoordinationStore: CoordinationStore {
    let link: PostgresLink

    init(link: PostgresLink) { self.link = link }

    func write<T>(_ body: (any CoordinationTransaction) throws -> T) throws(PortDaddyError) -> T {
        let node = link.settings.node
        return try link.transaction { tx in
            try tx.query("SELECT pg_advisory_xact_lock(\(ClusterCoordinationSchema.writeLock))")
            return try body(ClusterCoordinationTransaction(tx: tx, node: node))
        }
    }

    func read<T>(_ body: (any CoordinationTransaction) throws -> T) throws(PortDaddyError) -> T {
        let node = link.settings.node
        return try link.transaction { tx in
            try tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            return try body(ClusterCoordinationTransaction(tx: tx, node: node))
        }
    }
}

/// The coordination tables through one transaction of a ``PostgresLink``.
struct ClusterCoordinationTransaction: CoordinationTransaction {
    let tx: PostgresLink.Transaction
    /// This node: the node of agents saved without one.
    let node: String

    func rows<T>(_ query: PostgresQuery, _ make: (PostgresRandomAccessRow) throws -> T) throws -> [T] {
        try tx.query(query).rows.map { try make($0.makeRandomAccess()) }
    }

    func row<T>(_ query: PostgresQuery, _ make: (PostgresRandomAccessRow) throws -> T) throws -> T? {
        try rows(query, make).first
    }

    // MARK: agents

    func agent(_ id: String) throws -> AgentRecord? {
        try row("SELECT * FROM agents WHERE id = \(id)", Self.agent)
    }

    func agents() throws -> [AgentRecord] {
        try rows("SELECT * FROM agents ORDER BY registered_at, id", Self.agent)
    }

    func saveAgent(_ a: AgentRecord) throws {
        let pidStart = a.pidStart.map { Int64(bitPattern: $0) }
        try tx.query(
            """
            INSERT INTO agents (id, identity, purpose, pid, pid_start, ttl_ms, registered_at, last_heartbeat, state, died_at, name, node)
            VALUES (\(a.id), \(a.identity), \(a.purpose), \(a.pid), \(pidStart), \(a.ttlMillis), \(a.registeredAt), \(a.lastHeartbeat),
                \(a.state), \(a.diedAt), \(a.name), coalesce(\(a.node), \(node)))
            ON CONFLICT (id) DO UPDATE SET identity = excluded.identity, purpose = excluded.purpose, pid = excluded.pid,
                pid_start = excluded.pid_start, ttl_ms = excluded.ttl_ms, registered_at = excluded.registered_at,
                last_heartbeat = excluded.last_heartbeat, state = excluded.state, died_at = excluded.died_at, name = excluded.name,
                node = excluded.node
            """)
    }

    func setHeartbeat(_ id: String, at millis: Int64) throws {
        try tx.query("UPDATE agents SET last_heartbeat = \(millis) WHERE id = \(id) AND state = 'active'")
    }

    // MARK: sessions

    func session(_ id: String) throws -> SessionRecord? {
        try row("SELECT * FROM sessions WHERE id = \(id)", Self.session)
    }

    func activeSession(of agentID: String) throws -> SessionRecord? {
        try row("SELECT * FROM sessions WHERE agent_id = \(agentID) AND state = 'active'", Self.session)
    }

    func sessions(of agentID: String?, includeEnded: Bool) throws -> [SessionRecord] {
        try rows(
            """
            SELECT * FROM sessions WHERE (\(agentID)::text IS NULL OR agent_id = \(agentID)) AND (\(includeEnded) OR state = 'active')
            ORDER BY started_at, id
            """, Self.session)
    }

    func sessions(inState state: String, of agentID: String) throws -> [SessionRecord] {
        try rows("SELECT * FROM sessions WHERE agent_id = \(agentID) AND state = \(state) ORDER BY started_at, id", Self.session)
    }

    func saveSession(_ s: SessionRecord) throws {
        try tx.query(
            """
            INSERT INTO sessions (id, agent_id, purpose, identity, phase, state, started_at, ended_at)
            VALUES (\(s.id), \(s.agentID), \(s.purpose), \(s.identity), \(s.phase.rawValue), \(s.state), \(s.startedAt), \(s.endedAt))
            ON CONFLICT (id) DO UPDATE SET agent_id = excluded.agent_id, purpose = excluded.purpose, identity = excluded.identity,
                phase = excluded.phase, state = excluded.state, started_at = excluded.started_at, ended_at = excluded.ended_at
            """)
    }

    // MARK: notes

    func addNote(session: String, type: NoteType, text: String, at millis: Int64) throws -> NoteInfo {
        let id = try row(
            "INSERT INTO notes (session_id, type, text, at) VALUES (\(session), \(type.rawValue), \(text), \(millis)) RETURNING id"
        ) { try $0["id"].decode(Int64.self) }
        guard let id else { throw PortDaddyError.storage("cluster: a note insert returned no id") }
        return NoteInfo(id: id, sessionID: session, type: type, text: text, at: millis)
    }

    func notes(of session: String) throws -> [NoteInfo] {
        try rows("SELECT id, session_id, type, text, at FROM notes WHERE session_id = \(session) ORDER BY id") { row in
            NoteInfo(
                id: try row["id"].decode(Int64.self), sessionID: try row["session_id"].decode(String.self),
                type: NoteType(rawValue: try row["type"].decode(String.self)) ?? .note, text: try row["text"].decode(String.self),
                at: try row["at"].decode(Int64.self))
        }
    }

    func moveNotes(from: String, to: String) throws {
        try tx.query("UPDATE notes SET session_id = \(to) WHERE session_id = \(from)")
    }

    // MARK: salvage and integrations

    func salvage(_ agentID: String) throws -> SalvageRecord? {
        try row("SELECT * FROM salvage WHERE agent_id = \(agentID)", Self.salvage)
    }

    func salvageRecords() throws -> [SalvageRecord] {
        try rows("SELECT * FROM salvage ORDER BY died_at, agent_id", Self.salvage)
    }

    func saveSalvage(_ r: SalvageRecord) throws {
        try tx.query(
            """
            INSERT INTO salvage (agent_id, died_at, state, claimed_by, resolved_at)
            VALUES (\(r.agentID), \(r.diedAt), \(r.state), \(r.claimedBy), \(r.resolvedAt))
            ON CONFLICT (agent_id) DO UPDATE SET died_at = excluded.died_at, state = excluded.state, claimed_by = excluded.claimed_by,
                resolved_at = excluded.resolved_at
            """)
    }

    func saveIntegration(_ r: IntegrationRecord) throws {
        try tx.query(
            """
            INSERT INTO integrations (identity, kind, detail, agent_id, at) VALUES (\(r.identity), \(r.kind), \(r.detail), \(r.agentID), \(r.at))
            ON CONFLICT (identity, kind, detail) DO UPDATE SET agent_id = excluded.agent_id, at = excluded.at
            """)
    }

    func integrations() throws -> [IntegrationRecord] {
        try rows("SELECT * FROM integrations ORDER BY at") { row in
            IntegrationRecord(
                identity: try row["identity"].decode(String.self), kind: try row["kind"].decode(String.self),
                detail: try row["detail"].decode(String.self), agentID: try row["agent_id"].decode(String?.self),
                at: try row["at"].decode(Int64.self))
        }
    }

    // MARK: rows

    static func agent(_ row: PostgresRandomAccessRow) throws -> AgentRecord {
        AgentRecord(
            id: try row["id"].decode(String.self), identity: try row["identity"].decode(String?.self),
            purpose: try row["purpose"].decode(String?.self), pid: try row["pid"].decode(Int32?.self),
            pidStart: try row["pid_start"].decode(Int64?.self).map { UInt64(bitPattern: $0) }, ttlMillis: try row["ttl_ms"].decode(Int64.self),
            registeredAt: try row["registered_at"].decode(Int64.self), lastHeartbeat: try row["last_heartbeat"].decode(Int64.self),
            state: try row["state"].decode(String.self), diedAt: try row["died_at"].decode(Int64?.self),
            name: try row["name"].decode(String?.self), node: try row["node"].decode(String.self))
    }

    static func session(_ row: PostgresRandomAccessRow) throws -> SessionRecord {
        SessionRecord(
            id: try row["id"].decode(String.self), agentID: try row["agent_id"].decode(String.self),
            purpose: try row["purpose"].decode(String.self), identity: try row["identity"].decode(String?.self),
            phase: SessionPhase(rawValue: try row["phase"].decode(String.self)) ?? .planning, state: try row["state"].decode(String.self),
            startedAt: try row["started_at"].decode(Int64.self), endedAt: try row["ended_at"].decode(Int64?.self))
    }

    static func salvage(_ row: PostgresRandomAccessRow) throws -> SalvageRecord {
        SalvageRecord(
            agentID: try row["agent_id"].decode(String.self), diedAt: try row["died_at"].decode(Int64.self),
            state: try row["state"].decode(String.self), claimedBy: try row["claimed_by"].decode(String?.self),
            resolvedAt: try row["resolved_at"].decode(Int64?.self))
    }
}
