import PortDaddyAPI

/// Durable storage of claims. Every method is one transaction, or part of one shared with concurrent callers
/// (group commit): the writes that return a `PendingCommit` are queued, and durable once its `wait()` returns.
///
/// Kept behind a protocol so that another backend can come later without touching the services.
public protocol ClaimStore: Sendable {
    /// Every live claim.
    func loadClaims() throws(PortDaddyError) -> [Claim]
    /// The last port each identity held, for identities that ever held one.
    func loadLastPorts() throws(PortDaddyError) -> [String: Int]
    /// Queues the insert or update of the claim of `claim.identity`; with `rememberPort`, also records its port
    /// as the identity's last port (callers skip that write when the remembered port is already this one).
    func save(_ claim: Claim, rememberPort: Bool) -> PendingCommit
    /// Completes once every write queued so far has (an answer that writes nothing must not run ahead of one
    /// that did).
    func flushed() -> PendingCommit
    /// Queues the deletion of claims, in one transaction (why each was freed is the activity log's record).
    func delete(_ freed: [FreedClaim]) -> PendingCommit
    /// Applies a reaper pass: frees some claims and refreshes others, in one transaction.
    func applyReap(freed: [FreedClaim], refreshed: [Claim]) throws(PortDaddyError)
    /// SQLite's `quick_check` result: `ok` or what is wrong.
    func integrityCheck() throws(PortDaddyError) -> String
    /// Size of the write-ahead log in bytes.
    func walSize() -> Int64
    /// Copies the write-ahead log into the database and truncates it.
    func checkpoint() throws(PortDaddyError)
}
