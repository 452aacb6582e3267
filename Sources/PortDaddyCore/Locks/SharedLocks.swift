import PortDaddyAPI

/// Cluster mode: locks decided by a store every node shares instead of one process's memory. `LockService` hands
/// each call to it and keeps its own rules (validation, activity records) around it. Calls fail with
/// `CLUSTER_UNAVAILABLE` while the shared store cannot be reached.
public protocol SharedLocks: Sendable {
    /// Takes the lock, queueing (FIFO across nodes) up to `command.waitSeconds`.
    func acquire(_ command: LockCommand, pidStart: UInt64?) async throws -> Lock
    /// Takes the lock now or fails with `LOCK_HELD`.
    func acquireNow(_ command: LockCommand, pidStart: UInt64?) throws(PortDaddyError) -> Lock
    func release(name: LockName, owner: String, token: Int64?, force: Bool) throws(PortDaddyError) -> Lock?
    func extend(name: LockName, owner: String, ttlSeconds: Double?) throws(PortDaddyError) -> Lock
    func list() throws(PortDaddyError) -> [(lock: Lock, waiters: Int)]
    /// How many live callers queue for `name`.
    func waiters(on name: LockName) throws(PortDaddyError) -> Int
    /// Releases the owner's locks granted no later than `cutoff` (all with nil); best effort.
    func releaseAll(ownedBy owner: String, acquiredBy cutoff: Int64?) -> [Lock]
    /// Frees expired locks, locks of nodes whose lease ran out, and this node's locks whose process died.
    func reap(processes: any ProcessProber) throws(PortDaddyError) -> [LockService.Freed]
    /// Fails this node's queued waiters (shutdown).
    func cancelAllWaiters()
}
