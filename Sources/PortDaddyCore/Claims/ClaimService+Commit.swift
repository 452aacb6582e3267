import PortDaddyAPI

/// Waiting for the group commit of a claim or release, and undoing the index when that commit failed.
extension ClaimService {
    /// What the index held for one identity before a change, to put back if the change's commit fails.
    struct Undo {
        var after: Claim
        var before: Claim?
        var lastPort: Int?
        var persistedSeenAt: Int64?

        /// Captures the state of `after.identity` before `after` replaces `before`. Call with the lock held.
        init(after: Claim, before: Claim?, in st: State) {
            self.after = after
            self.before = before
            lastPort = st.lastPorts[after.identity.description]
            persistedSeenAt = st.persistedSeenAt[after.identity]
        }
    }

    /// Waits for `commit`; when it failed, puts back what the identity held before (if nothing changed it
    /// since) and rethrows.
    func settle(_ commit: PendingCommit, undo: Undo?) throws(PortDaddyError) {
        do { try commit.wait() } catch {
            guard let undo else { throw error }
            let identity = undo.after.identity
            state.withLock { st in
                guard st.byIdentity[identity] == undo.after else { return }
                st.byIdentity[identity] = nil
                if st.byPort[undo.after.port] == identity { st.byPort[undo.after.port] = nil }
                if let before = undo.before, st.byPort[before.port] == nil {
                    st.byIdentity[identity] = before
                    st.byPort[before.port] = identity
                }
                st.lastPorts[identity.description] = undo.lastPort
                st.persistedSeenAt[identity] = undo.persistedSeenAt
            }
            throw error
        }
    }

    /// Waits for the commit of a release; when it failed, puts the released claims back where their identity
    /// and port are still free, and rethrows.
    func settle(_ commit: PendingCommit, reinstating victims: [Claim]) throws(PortDaddyError) {
        do { try commit.wait() } catch {
            state.withLock { st in
                for claim in victims where st.byIdentity[claim.identity] == nil && st.byPort[claim.port] == nil {
                    st.byIdentity[claim.identity] = claim
                    st.byPort[claim.port] = claim.identity
                }
            }
            throw error
        }
    }
}
