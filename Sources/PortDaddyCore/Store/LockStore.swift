import PortDaddyAPI

/// Durable storage of locks and of the last fencing token of every lock name. Writes are queued for group
/// commit (see `ClaimStore`): each is durable once the `PendingCommit` it returns has been waited for.
public protocol LockStore: Sendable {
    func loadLocks() throws(PortDaddyError) -> [Lock]
    func loadLockTokens() throws(PortDaddyError) -> [String: Int64]
    /// Queues a grant: the lock row and its name's last token, in one transaction.
    func saveLock(_ lock: Lock) -> PendingCommit
    /// Queues the deletion of a lock (by name) if it still carries `token`.
    func deleteLock(_ name: LockName, token: Int64) -> PendingCommit
    /// Queues the deletion of one lock and the grant of the next in a single transaction (a hand-over to a waiter).
    func handOver(from old: Lock, to new: Lock?) -> PendingCommit
}
