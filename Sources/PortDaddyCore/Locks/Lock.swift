import PortDaddyAPI

/// A held lock.
public struct Lock: Sendable, Equatable {
    public var name: LockName
    /// Who holds it: an agent id or a label such as `pid:4242`.
    public var owner: String
    public var pid: Int32?
    public var pidStart: UInt64?
    /// Fencing token: strictly greater than every token issued before for this name, across restarts.
    public var token: Int64
    /// Milliseconds since 1970.
    public var acquiredAt: Int64
    public var expiresAt: Int64

    public init(name: LockName, owner: String, pid: Int32?, pidStart: UInt64?, token: Int64, acquiredAt: Int64, expiresAt: Int64) {
        self.name = name
        self.owner = owner
        self.pid = pid
        self.pidStart = pidStart
        self.token = token
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
    }
}

/// A validated request to take a lock.
public struct LockCommand: Sendable {
    public var name: LockName
    public var owner: String
    public var pid: Int32?
    public var ttlSeconds: Double
    /// Seconds to queue for the lock; 0 fails at once when it is held.
    public var waitSeconds: Double

    /// The default time a lock is held unless extended.
    public static let defaultTTL: Double = 300

    public init(name: LockName, owner: String, pid: Int32?, ttlSeconds: Double = LockCommand.defaultTTL, waitSeconds: Double = 0) {
        self.name = name
        self.owner = owner
        self.pid = pid
        self.ttlSeconds = ttlSeconds
        self.waitSeconds = waitSeconds
    }

    /// Validates raw values; the owner defaults to `pid:<pid>`.
    public static func validated(name: String, owner: String?, pid: Int?, ttlSeconds: Double?, waitSeconds: Double?) throws(PortDaddyError)
        -> LockCommand
    {
        let lockName = try LockCommand.name(name)
        let ownerPID = try ClaimCommand.validatedPID(pid)
        let label = try LockCommand.owner(owner, pid: ownerPID)
        return LockCommand(name: lockName, owner: label, pid: ownerPID, ttlSeconds: ttlSeconds ?? defaultTTL, waitSeconds: waitSeconds ?? 0)
    }

    /// Parses a lock name, with the domain's error.
    public static func name(_ raw: String) throws(PortDaddyError) -> LockName {
        do { return try LockName(parsing: raw) } catch {
            throw .invalidLockName(error.description.replacingOccurrences(of: "identity", with: "lock name"))
        }
    }

    /// The owner label: the given one, else `pid:<pid>`.
    /// Who releases: `owner` or `pid:<pid>`; with `force` and neither given, nobody in particular ("").
    public static func releasingOwner(_ owner: String?, pid: Int32?, force: Bool) throws(PortDaddyError) -> String {
        force && owner == nil && pid == nil ? "" : try Self.owner(owner, pid: pid)
    }

    public static func owner(_ owner: String?, pid: Int32?) throws(PortDaddyError) -> String {
        if let owner {
            let trimmed = owner.trimmingWhitespace()
            guard !trimmed.isEmpty, trimmed.utf8.count <= 200 else {
                throw .invalidRequest("owner must be 1 to 200 characters")
            }
            return trimmed
        }
        guard let pid else { throw .invalidRequest("give an owner or a pid so the lock has a holder") }
        return "pid:\(pid)"
    }
}

extension LockInfo {
    /// A held lock as the API shows it, with its queue length.
    public init(_ lock: Lock, waiters: Int) {
        self.init(
            name: lock.name.value, owner: lock.owner, pid: lock.pid.map(Int.init), token: lock.token,
            acquiredAt: lock.acquiredAt, expiresAt: lock.expiresAt, waiters: waiters)
    }
}
