import PortDaddyAPI

extension ClaimService {
    enum Verdict {
        case free(FreeReason)
        case refresh(pid: Int32?, start: UInt64?)
        case keep
    }

    /// Frees stale claims and refreshes live ones. Returns what it freed, and records each as `claim.reap`.
    ///
    /// A claim is stale when its TTL has passed, or when its owner is dead (PID and start time no longer match
    /// a running process) and its port has not been listening for the grace period. A claim whose owner died
    /// but whose port is listening adopts the listening process as its owner where the OS tells.
    @discardableResult
    public func reap() throws(PortDaddyError) -> [FreedClaim] {
        let freed = try reapUnrecorded()
        for item in freed {
            activity?.record(.claimReap, subject: item.claim.identity.description, detail: "port \(item.claim.port): \(item.reason.rawValue)")
        }
        return freed
    }

    func reapUnrecorded() throws(PortDaddyError) -> [FreedClaim] {
        let snapshot = state.withLock { Array($0.byIdentity.values) }
        guard !snapshot.isEmpty else { return [] }
        let now = clock.nowMillis()
        let listening = ports.listeningPorts()
        var verdicts: [Identity: (seen: Claim, verdict: Verdict)] = [:]
        for claim in snapshot {
            verdicts[claim.identity] = (claim, verdict(for: claim, now: now, listening: listening))
        }
        return try state.withLock { (st: inout State) throws(PortDaddyError) -> [FreedClaim] in
            var freed: [FreedClaim] = []
            var refreshed: [Claim] = []
            for (identity, entry) in verdicts {
                // Skip claims that changed since the snapshot: a newer claim wins over an old verdict.
                guard let current = st.byIdentity[identity], current == entry.seen else { continue }
                switch entry.verdict {
                case .free(let reason): freed.append(FreedClaim(claim: current, reason: reason))
                case .refresh(let pid, let start):
                    var updated = current
                    updated.pid = pid
                    updated.pidStart = start
                    updated.lastSeenAt = now
                    refreshed.append(updated)
                case .keep: break
                }
            }
            try store.applyReap(freed: freed, refreshed: refreshed)
            for item in freed {
                st.byIdentity[item.claim.identity] = nil
                st.persistedSeenAt[item.claim.identity] = nil
                st.byPort[item.claim.port] = nil
            }
            for claim in refreshed {
                st.byIdentity[claim.identity] = claim
                st.persistedSeenAt[claim.identity] = claim.lastSeenAt
            }
            st.reapedTotal += freed.count
            return freed.sorted { $0.claim.port < $1.claim.port }
        }
    }

    func verdict(for claim: Claim, now: Int64, listening: Set<Int>) -> Verdict {
        if let expires = claim.expiresAt, now >= expires { return .free(.expired) }
        if processes.isAlive(pid: claim.pid, start: claim.pidStart) {
            return .refresh(pid: claim.pid, start: claim.pidStart)
        }
        if listening.contains(claim.port) {
            if let pid = ports.listenerPID(of: claim.port), let start = processes.startTime(of: pid) {
                return .refresh(pid: pid, start: start)
            }
            return .refresh(pid: claim.pid, start: claim.pidStart)
        }
        if claim.sticky { return .keep }
        return now - claim.lastSeenAt >= graceMillis ? .free(.ownerDead) : .keep
    }
}
