import GRDB
import PortDaddyAPI

extension SQLiteStore: CoordinationStore {
    public func write<T>(_ body: (any CoordinationTransaction) throws -> T) throws(PortDaddyError) -> T {
        try guardedWrite { db in try body(SQLiteCoordinationTransaction(db: db, vault: vault)) }
    }

    public func read<T>(_ body: (any CoordinationTransaction) throws -> T) throws(PortDaddyError) -> T {
        try guardedRead { db in try body(SQLiteCoordinationTransaction(db: db, vault: vault)) }
    }
}

/// The coordination tables through one GRDB connection.
struct SQLiteCoordinationTransaction: CoordinationTransaction {
    let db: Database
    /// Seals note text (nil: plaintext).
    let vault: TextVault?

    func agent(_ id: String) throws -> AgentRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM agents WHERE id = ?", arguments: [id]).map(Self.agent)
    }

    func agents() throws -> [AgentRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM agents ORDER BY registered_at").map(Self.agent)
    }

    func saveAgent(_ a: AgentRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO agents (id, identity, purpose, pid, pid_start, ttl_ms, registered_at, last_heartbeat, state, died_at, name)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET identity = excluded.identity, purpose = excluded.purpose, pid = excluded.pid,
                    pid_start = excluded.pid_start, ttl_ms = excluded.ttl_ms, registered_at = excluded.registered_at,
                    last_heartbeat = excluded.last_heartbeat, state = excluded.state, died_at = excluded.died_at,
                    name = excluded.name
                """,
            arguments: [
                a.id, a.identity, a.purpose, a.pid.map { Int64($0) }, a.pidStart.map { Int64(bitPattern: $0) }, a.ttlMillis,
                a.registeredAt, a.lastHeartbeat, a.state, a.diedAt, a.name,
            ])
    }

    func setHeartbeat(_ id: String, at millis: Int64) throws {
        try db.execute(sql: "UPDATE agents SET last_heartbeat = ? WHERE id = ? AND state = 'active'", arguments: [millis, id])
    }

    func session(_ id: String) throws -> SessionRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE id = ?", arguments: [id]).map(Self.session)
    }

    func activeSession(of agentID: String) throws -> SessionRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE agent_id = ? AND state = 'active'", arguments: [agentID]).map(Self.session)
    }

    func sessions(of agentID: String?, includeEnded: Bool) throws -> [SessionRecord] {
        var sql = "SELECT * FROM sessions WHERE 1"
        var arguments: StatementArguments = []
        if let agentID {
            sql += " AND agent_id = ?"
            arguments += [agentID]
        }
        if !includeEnded { sql += " AND state = 'active'" }
        return try Row.fetchAll(db, sql: sql + " ORDER BY started_at", arguments: arguments).map(Self.session)
    }

    func sessions(inState state: String, of agentID: String) throws -> [SessionRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM sessions WHERE agent_id = ? AND state = ? ORDER BY started_at", arguments: [agentID, state]).map(
            Self.session)
    }

    func saveSession(_ s: SessionRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO sessions (id, agent_id, purpose, identity, phase, state, started_at, ended_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET agent_id = excluded.agent_id, purpose = excluded.purpose,
                    identity = excluded.identity, phase = excluded.phase, state = excluded.state,
                    started_at = excluded.started_at, ended_at = excluded.ended_at
                """,
            arguments: [s.id, s.agentID, s.purpose, s.identity, s.phase.rawValue, s.state, s.startedAt, s.endedAt])
    }

    /// With a vault, the row is inserted with an empty value first (its id is in the sealed text's associated data),
    /// then given the sealed text in the same transaction: the plaintext never reaches the database or its WAL.
    func addNote(session: String, type: NoteType, text: String, at millis: Int64) throws -> NoteInfo {
        guard let vault else {
            try db.execute(
                sql: "INSERT INTO notes (session_id, type, text, at) VALUES (?, ?, ?, ?)", arguments: [session, type.rawValue, text, millis])
            return NoteInfo(id: db.lastInsertedRowID, sessionID: session, type: type, text: text, at: millis)
        }
        let scope = "session:" + session
        try db.execute(
            sql: "INSERT INTO notes (session_id, type, text, at, enc, key_scope) VALUES (?, ?, X'', ?, 1, ?)",
            arguments: [session, type.rawValue, millis, scope])
        let id = db.lastInsertedRowID
        try db.execute(sql: "UPDATE notes SET text = ? WHERE id = ?", arguments: [try vault.seal(text, row: .note(id, scope: scope), in: db), id])
        return NoteInfo(id: id, sessionID: session, type: type, text: text, at: millis)
    }

    /// A note whose text does not open (no master key, or a changed row) is listed with a placeholder text and the
    /// error (`unreadable`), so one bad row does not hide the others.
    func notes(of session: String) throws -> [NoteInfo] {
        try Row.fetchAll(db, sql: "SELECT * FROM notes WHERE session_id = ? ORDER BY id", arguments: [session]).map { row in
            let id: Int64 = row["id"]
            var note = NoteInfo(id: id, sessionID: row["session_id"], type: NoteType(rawValue: row["type"]) ?? .note, text: "", at: row["at"])
            let scope: String = row["key_scope"] ?? ("session:" + note.sessionID)
            switch ProtectedText.read(row, "text", ref: .note(id, scope: scope), vault: vault, db: db) {
            case .success(let text): note.text = text ?? ""
            case .failure(let error):
                note.text = ProtectedText.placeholder(error)
                note.unreadable = ErrorBody(error: error.description, code: error.code)
            }
            return note
        }
    }

    func moveNotes(from: String, to: String) throws {
        try db.execute(sql: "UPDATE notes SET session_id = ? WHERE session_id = ?", arguments: [to, from])
    }

    func salvage(_ agentID: String) throws -> SalvageRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM salvage WHERE agent_id = ?", arguments: [agentID]).map(Self.salvage)
    }

    func salvageRecords() throws -> [SalvageRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM salvage ORDER BY died_at").map(Self.salvage)
    }

    func saveSalvage(_ r: SalvageRecord) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO salvage (agent_id, died_at, state, claimed_by, resolved_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [r.agentID, r.diedAt, r.state, r.claimedBy, r.resolvedAt])
    }

    func saveIntegration(_ r: IntegrationRecord) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO integrations (identity, kind, detail, agent_id, at) VALUES (?, ?, ?, ?, ?)",
            arguments: [r.identity, r.kind, r.detail, r.agentID, r.at])
    }

    func integrations() throws -> [IntegrationRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM integrations ORDER BY at").map {
            IntegrationRecord(identity: $0["identity"], kind: $0["kind"], detail: $0["detail"], agentID: $0["agent_id"], at: $0["at"])
        }
    }

    static func agent(_ row: Row) -> AgentRecord {
        let pid: Int64? = row["pid"]
        let start: Int64? = row["pid_start"]
        return AgentRecord(
            id: row["id"], identity: row["identity"], purpose: row["purpose"], pid: pid.map { Int32(truncatingIfNeeded: $0) },
            pidStart: start.map { UInt64(bitPattern: $0) }, ttlMillis: row["ttl_ms"], registeredAt: row["registered_at"],
            lastHeartbeat: row["last_heartbeat"], state: row["state"], diedAt: row["died_at"], name: row["name"])
    }

    static func session(_ row: Row) -> SessionRecord {
        SessionRecord(
            id: row["id"], agentID: row["agent_id"], purpose: row["purpose"], identity: row["identity"],
            phase: SessionPhase(rawValue: row["phase"]) ?? .planning, state: row["state"], startedAt: row["started_at"],
            endedAt: row["ended_at"])
    }

    static func salvage(_ row: Row) -> SalvageRecord {
        SalvageRecord(
            agentID: row["agent_id"], diedAt: row["died_at"], state: row["state"], claimedBy: row["claimed_by"], resolvedAt: row["resolved_at"])
    }
}
