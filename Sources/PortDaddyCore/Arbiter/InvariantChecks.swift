/// The invariants as pure functions over a snapshot of the state: no I/O, so each is unit-tested on made-up state.
///
/// Liveness whose moment of death the state does not record (a PID that exited) is judged from when a sweep first
/// saw it dead: `firstSeenDead` carries those moments from one sweep to the next, keyed by the finding's key.
public enum InvariantChecks {
    /// The result of the checks that need the moments of death: the findings, and the moments to carry on.
    public struct LivenessResult: Sendable, Equatable {
        public var findings: [ArbiterFinding]
        public var firstSeenDead: [String: Int64]
    }

    /// PID_SQUATTING (critical): live agents sharing one (pid, start); every one but the first registered offends.
    public static func pidSquatting(_ snapshot: ArbiterSnapshot) -> [ArbiterFinding] {
        var byProcess: [String: [ArbiterSnapshot.Agent]] = [:]
        for agent in snapshot.agents where agent.state == "active" && agent.pidAlive {
            guard let pid = agent.pid, let start = agent.pidStart else { continue }
            byProcess["\(pid)@\(start)", default: []].append(agent)
        }
        return byProcess.keys.sorted().flatMap { process -> [ArbiterFinding] in
            let agents = byProcess[process, default: []].sorted { ($0.registeredAt, $0.id) < ($1.registeredAt, $1.id) }
            guard let first = agents.first else { return [] }
            return agents.dropFirst().map { agent in
                ArbiterFinding(
                    .pidSquatting, "agent \(agent.id) is bound to PID \(agent.pid ?? 0), already bound to live agent \(first.id)",
                    agent: agent.id, key: "squat:\(agent.id):\(process)")
            }
        }
    }

    /// A squatting check for one agent just bound to `(pid, start)` (the transition): the live agents already there.
    public static func squatted(by agent: String, pid: Int32, start: UInt64?, in snapshot: ArbiterSnapshot) -> ArbiterFinding? {
        guard let start else { return nil }
        let others = snapshot.agents.filter { $0.id != agent && $0.state == "active" && $0.pidAlive && $0.pid == pid && $0.pidStart == start }
        guard let first = others.min(by: { ($0.registeredAt, $0.id) < ($1.registeredAt, $1.id) }) else { return nil }
        return ArbiterFinding(
            .pidSquatting, "agent \(agent) is bound to PID \(pid), already bound to live agent \(first.id)", agent: agent,
            key: "squat:\(agent):\(pid)@\(start)")
    }

    /// NOTE_MONOTONICITY: notes whose time goes back within their session (rewrites and deletes the triggers refuse).
    public static func noteMonotonicity(_ snapshot: ArbiterSnapshot) -> [ArbiterFinding] {
        snapshot.noteRegressions.map { note in
            ArbiterFinding(
                .noteMonotonicity, "note \(note.id) of session \(note.session) is older than the note before it", key: "note:\(note.id)")
        }
    }

    /// ESCROW_POSITIVITY: a negative balance (Σ ledger), a bond that is escrowed or held but not positive, or slashed
    /// beyond its amount.
    public static func escrowPositivity(_ snapshot: ArbiterSnapshot) -> [ArbiterFinding] {
        var findings = snapshot.balances.keys.sorted().compactMap { project -> ArbiterFinding? in
            let balance = snapshot.balances[project, default: 0]
            guard balance < 0 else { return nil }
            return ArbiterFinding(.escrowPositivity, "wallet \(project) has a negative balance (\(balance) micro-USD)", key: "wallet:\(project)")
        }
        for bond in snapshot.bonds where ["escrowed", "held"].contains(bond.state) {
            if bond.amountMicros <= 0 {
                findings.append(
                    ArbiterFinding(
                        .escrowPositivity, "bond \(bond.id) of \(bond.project) is \(bond.state) with \(bond.amountMicros) micro-USD",
                        key: "bond:\(bond.id)")
                )
            } else if bond.slashedMicros < 0 || bond.slashedMicros > bond.amountMicros {
                findings.append(
                    ArbiterFinding(
                        .escrowPositivity, "bond \(bond.id) of \(bond.project) is slashed by \(bond.slashedMicros) of \(bond.amountMicros) micro-USD",
                        key: "bond:\(bond.id)"))
            }
        }
        return findings
    }

    /// LOCK_OWNER_VALIDITY: a held lock whose owner (its PID, its agent, or its lease) has been dead for more than
    /// `grace` milliseconds; a lock whose token is above its name's fencing counter.
    public static func lockOwnerValidity(
        _ snapshot: ArbiterSnapshot, graceMillis: Int64, firstSeenDead: [String: Int64]
    ) -> LivenessResult {
        let agents = Dictionary(snapshot.agents.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var result = LivenessResult(findings: [], firstSeenDead: [:])
        for lock in snapshot.locks {
            if let last = lock.lastToken, lock.token > last {
                result.findings.append(
                    ArbiterFinding(
                        .lockOwnerValidity, "lock \(lock.name) holds token \(lock.token), above its fencing counter \(last)",
                        agent: agents[lock.owner]?.id, key: "token:\(lock.name):\(lock.token)"))
            }
            let key = "lock:\(lock.name):\(lock.token)"
            var deadSince: Int64?
            var why = ""
            if lock.expiresAt < snapshot.now {
                (deadSince, why) = (lock.expiresAt, "its lease ended")
            } else if lock.pidAlive == false {
                (deadSince, why) = (firstSeenDead[key] ?? snapshot.now, "its PID \(lock.pid ?? 0) is gone")
                result.firstSeenDead[key] = deadSince
            } else if lock.pid == nil, let agent = agents[lock.owner], agent.state != "active" {
                (deadSince, why) = (agent.diedAt ?? firstSeenDead[key] ?? snapshot.now, "its agent is \(agent.state)")
                if agent.diedAt == nil { result.firstSeenDead[key] = deadSince }
            }
            guard let deadSince, snapshot.now - deadSince > graceMillis else { continue }
            result.findings.append(
                ArbiterFinding(
                    .lockOwnerValidity,
                    "lock \(lock.name) (token \(lock.token)) is still held by \(lock.owner), but \(why) "
                        + "\((snapshot.now - deadSince) / 1000) s ago", agent: agents[lock.owner]?.id, key: key))
        }
        return result
    }

    /// HEARTBEAT_FRESHNESS: an agent still active whose heartbeat is older than its TTL (without a PID) or whose PID
    /// is gone, for more than `grace` milliseconds (the reaper should have declared it dead).
    public static func heartbeatFreshness(
        _ snapshot: ArbiterSnapshot, graceMillis: Int64, firstSeenDead: [String: Int64]
    ) -> LivenessResult {
        var result = LivenessResult(findings: [], firstSeenDead: [:])
        for agent in snapshot.agents where agent.state == "active" {
            let key = "stale:\(agent.id)"
            let deadSince: Int64
            if agent.pid != nil {
                guard !agent.pidAlive else { continue }
                deadSince = firstSeenDead[key] ?? snapshot.now
                result.firstSeenDead[key] = deadSince
            } else {
                guard snapshot.now - agent.lastHeartbeat > agent.ttlMillis else { continue }
                deadSince = agent.lastHeartbeat + agent.ttlMillis
            }
            guard snapshot.now - deadSince > graceMillis else { continue }
            let why = agent.pid.map { "its PID \($0) is gone" } ?? "its last heartbeat is \((snapshot.now - agent.lastHeartbeat) / 1000) s old"
            result.findings.append(
                ArbiterFinding(
                    .heartbeatFreshness, "agent \(agent.id) is listed active, but \(why) (TTL \(agent.ttlMillis / 1000) s)", agent: agent.id,
                    key: key))
        }
        return result
    }
}
