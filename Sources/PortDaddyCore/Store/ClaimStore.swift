import PortDaddyAPI

/// Durable storage of claims. Every method is one transaction.
///
/// Kept behind a protocol so that another backend can come later without touching the services.
public protocol ClaimStore: Sendable {
    /// Every live claim.
    func loadClaims() throws(PortDaddyError) -> [Claim]
    /// The last port each identity held, for identities that ever held one.
    func loadLastPorts() throws(PortDaddyError) -> [String: Int]
    /// Inserts or updates the claim of `claim.identity`; with `rememberPort`, also records its port as the
    /// identity's last port (callers skip that write when the remembered port is already this one).
    func save(_ claim: Claim, rememberPort: Bool) throws(PortDaddyError)
    /// Deletes claims and records why, in one transaction.
    func delete(_ freed: [FreedClaim], at millis: Int64) throws(PortDaddyError)
    /// Applies a reaper pass: frees some claims and refreshes others, in one transaction.
    func applyReap(freed: [FreedClaim], refreshed: [Claim], at millis: Int64) throws(PortDaddyError)
    /// SQLite's `quick_check` result: `ok` or what is wrong.
    func integrityCheck() throws(PortDaddyError) -> String
    /// Size of the write-ahead log in bytes.
    func walSize() -> Int64
    /// Copies the write-ahead log into the database and truncates it.
    func checkpoint() throws(PortDaddyError)
}
