import PortDaddyAPI

extension CoordinationService {
    /// Finds agents that stopped heartbeating (and whose PID, if any, is gone): their active sessions, notes and
    /// file claims move to the salvage queue, then their locks are released. Returns the agents declared dead.
    @discardableResult
    public func reapAgents() throws(PortDaddyError) -> [String] {
        let now = clock.nowMillis()
        return try bury(now: now, why: { agent in "no heartbeat for \(Double(agent.ttlMillis) / 1000) s; work moved to salvage" }) { agent in
            !isAlive(agent, now: now)
        }
    }

    /// Declares one active agent dead now (its run crashed, timed out or was killed): its session goes to salvage
    /// with its notes and file claims, its locks are released. Returns whether it was active.
    @discardableResult
    public func declareDead(_ raw: String, why: String) throws(PortDaddyError) -> Bool {
        let id = try Self.agentID(raw)
        return try !bury(now: clock.nowMillis(), why: { _ in why }) { $0.id == id }.isEmpty
    }

    /// Marks the active agents `chosen` picks as dead and moves their work to salvage.
    func bury(now: Int64, why: (AgentRecord) -> String, chosen: (AgentRecord) -> Bool) throws(PortDaddyError) -> [String] {
        var orphanedClaims: [String] = []
        let dead = try store.write { tx -> [AgentRecord] in
            var dead: [AgentRecord] = []
            for var agent in try tx.agents() where agent.state == "active" && chosen(agent) {
                agent.state = "dead"
                agent.diedAt = now
                try tx.saveAgent(agent)
                let orphaned = try tx.sessions(inState: "active", of: agent.id)
                for var session in orphaned {
                    if let identity = session.identity { orphanedClaims.append(identity) }
                    session.state = "salvage"
                    try tx.saveSession(session)
                }
                // Only work left behind goes to salvage: an agent that ended its session cleanly leaves none.
                if !orphaned.isEmpty, try tx.salvage(agent.id)?.state != "waiting" {
                    try tx.saveSalvage(SalvageRecord(agentID: agent.id, diedAt: now, state: "waiting", claimedBy: nil, resolvedAt: nil))
                }
                dead.append(agent)
            }
            return dead
        }
        // A dead session's port goes back to ordinary liveness: kept while listening, else freed after the grace.
        for identity in orphanedClaims {
            if let id = try? Identity(parsing: identity) { try? claims.unstick(id) }
        }
        for agent in dead {
            // Only locks it held when it was found dead: if it came back since, its new locks are its own.
            for lock in locks.releaseAll(ownedBy: agent.id, acquiredBy: now) {
                activity?.record(.lockReap, subject: lock.name.value, detail: "token \(lock.token); owner agent \(agent.id) died")
            }
            activity?.record(.agentDead, subject: agent.id, detail: why(agent))
        }
        if !dead.isEmpty { observer?.agentsLeft(dead.map(\.id)) }
        return dead.map(\.id)
    }

    /// Dead agents' work; waiting entries only unless `all`; filtered by project when given.
    public func salvage(project: String?, all: Bool) throws(PortDaddyError) -> [SalvageInfo] {
        try store.read { tx in
            try tx.salvageRecords().filter { all || $0.state == "waiting" }.compactMap { record -> SalvageInfo? in
                let agent = try tx.agent(record.agentID)
                let sessions = try tx.sessions(of: record.agentID, includeEnded: true).filter {
                    $0.state == "salvage" || ($0.state == "salvaged" && all)
                }
                if let project {
                    let projects = Set(([agent?.identity] + sessions.map(\.identity)).compactMap { $0?.split(separator: ":").first.map(String.init) })
                    guard projects.contains(project.lowercased()) else { return nil }
                }
                return SalvageInfo(
                    agentID: record.agentID, identity: agent?.identity, purpose: agent?.purpose, diedAt: record.diedAt, state: record.state,
                    claimedBy: record.claimedBy, sessions: try sessions.map { try Self.sessionInfo($0, tx) })
            }
        }
    }

    /// Moves a dead agent's sessions' notes and file claims into the caller's active session.
    public func claimSalvage(of rawDead: String, by rawAgent: String) throws(PortDaddyError) -> SessionInfo {
        let deadID = try Self.agentID(rawDead)
        let id = try Self.agentID(rawAgent)
        let now = clock.nowMillis()
        let session = try store.write { tx throws -> SessionInfo in
            guard var record = try tx.salvage(deadID), record.state == "waiting" else {
                throw PortDaddyError.notFound("no salvage waiting for agent \(deadID); see pd salvage")
            }
            guard let mine = try tx.activeSession(of: id) else { throw PortDaddyError.noActiveSession(agent: id) }
            for var old in try tx.sessions(inState: "salvage", of: deadID) {
                _ = try tx.addNote(session: mine.id, type: .handoff, text: "salvaged from \(deadID) (session \(old.id)): \(old.purpose)", at: now)
                try tx.moveNotes(from: old.id, to: mine.id)
                // Each claim nobody else took meanwhile is granted anew (a new fencing token, so the dead agent's
                // token is stale); the old session keeps its rows as the record of what it held.
                for path in try tx.files(of: old.id) {
                    guard let (claim, trusted) = try tx.fileClaim(path: path, session: old.id),
                        try !tx.activeFileClaims(on: path).contains(where: { $0.region.overlaps(claim.region) })
                    else { continue }
                    _ = try tx.addFileClaim(
                        FileGrant(region: claim.region, sessionID: mine.id, agentID: id, at: now, contentHash: claim.contentHash, trusted: trusted))
                }
                old.state = "salvaged"
                old.endedAt = now
                try tx.saveSession(old)
            }
            record.state = "claimed"
            record.claimedBy = id
            record.resolvedAt = now
            try tx.saveSalvage(record)
            return try Self.sessionInfo(mine, tx)
        }
        activity?.record(.salvageClaim, actor: id, subject: deadID)
        observer?.salvageClaimed(dead: deadID, by: id)
        return session
    }

    /// Marks a dead agent's salvage as completed or dismissed.
    public func resolveSalvage(of rawDead: String, by rawAgent: String?, state: String) throws(PortDaddyError) {
        let deadID = try Self.agentID(rawDead)
        let now = clock.nowMillis()
        try store.write { tx throws in
            guard var record = try tx.salvage(deadID) else { throw PortDaddyError.notFound("no salvage for agent \(deadID)") }
            // Resolved work must not come back with the agent's next death.
            for var session in try tx.sessions(inState: "salvage", of: deadID) {
                session.state = "salvaged"
                session.endedAt = now
                try tx.saveSession(session)
            }
            record.state = state
            record.resolvedAt = now
            if let rawAgent { record.claimedBy = record.claimedBy ?? (try? Self.agentID(rawAgent)) }
            try tx.saveSalvage(record)
        }
        activity?.record(state == "completed" ? .salvageComplete : .salvageDismiss, actor: rawAgent, subject: deadID)
    }

    // MARK: integration signals

    public func signal(identity raw: String, kind: String, detail: String?, agent: String?) throws(PortDaddyError) -> IntegrationRecord {
        let identity: String
        do { identity = try Identity(parsing: raw).description } catch { throw .invalidIdentity(error.description) }
        if let detail, detail.utf8.count > 2000 { throw .invalidRequest("detail must be at most 2000 bytes") }
        let record = IntegrationRecord(identity: identity, kind: kind, detail: detail ?? "", agentID: agent, at: clock.nowMillis())
        try store.write { tx in try tx.saveIntegration(record) }
        activity?.record(.integration(kind), actor: agent, subject: identity, detail: detail)
        return record
    }

    public func integrations() throws(PortDaddyError) -> [IntegrationRecord] { try store.read { tx in try tx.integrations() } }

    /// Whether an identity was signalled ready, or its claimed port is listening.
    public func isReady(_ identity: Identity) throws(PortDaddyError) -> Bool {
        if try integrations().contains(where: { $0.identity == identity.description && $0.kind == "ready" }) { return true }
        return claims.status(of: identity)?.listening ?? false
    }
}
