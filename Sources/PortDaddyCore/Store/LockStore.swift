import PortDaddyAPI

/// Durable storage of locks and of the last fencing token of every lock name.
public protocol LockStore: Sendable {
    func loadLocks() throws(PortDaddyError) -> [Lock]
    func loadLockTokens() throws(PortDaddyError) -> [String: Int64]
    /// Records a grant: the lock row and its name's last token, in one transaction.
    func saveLock(_ lock: Lock) throws(PortDaddyError)
    /// Deletes a lock (by name) if it still carries `token`.
    func deleteLock(_ name: LockName, token: Int64) throws(PortDaddyError)
    /// Deletes one lock and grants the next one in a single transaction (a hand-over to a waiter).
    func handOver(from old: Lock, to new: Lock?) throws(PortDaddyError)
}
