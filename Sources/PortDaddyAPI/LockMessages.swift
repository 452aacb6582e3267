/// `POST /locks/{name}` body: acquire a lock.
public struct LockAcquireRequest: Codable, Sendable, Equatable {
    /// Who holds it (an agent id or any label); default `pid:<pid>`.
    public var owner: String?
    /// The owner process; the lock is released when it dies.
    public var pid: PID?
    /// How long the lock is held before it expires unless extended (default 5 minutes).
    public var ttl: DurationValue?
    /// Queue for the lock (FIFO, server-side) for at most this long instead of failing at once.
    public var wait: DurationValue?

    public init(owner: String? = nil, pid: PID? = nil, ttl: DurationValue? = nil, wait: DurationValue? = nil) {
        self.owner = owner
        self.pid = pid
        self.ttl = ttl
        self.wait = wait
    }
}

/// A held lock.
public struct LockInfo: Codable, Sendable, Equatable {
    public var name: String
    public var owner: String
    public var pid: Int?
    /// The fencing token: strictly greater than every token issued before for this name.
    public var token: Int64
    /// Milliseconds since 1970.
    public var acquiredAt: Int64
    public var expiresAt: Int64
    /// Callers queued for it.
    public var waiters: Int

    public init(name: String, owner: String, pid: Int?, token: Int64, acquiredAt: Int64, expiresAt: Int64, waiters: Int) {
        self.name = name
        self.owner = owner
        self.pid = pid
        self.token = token
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
        self.waiters = waiters
    }
}

/// `DELETE /locks/{name}` body.
public struct LockReleaseRequest: Codable, Sendable, Equatable {
    public var owner: String?
    public var pid: PID?
    /// Release only if this is still the holder's token (what `with-lock` sends).
    public var token: Int64?
    /// Break a lock someone else holds (logged).
    public var force: Bool?

    public init(owner: String? = nil, pid: PID? = nil, token: Int64? = nil, force: Bool? = nil) {
        self.owner = owner
        self.pid = pid
        self.token = token
        self.force = force
    }
}

/// `DELETE /locks/{name}` response.
public struct LockReleaseResponse: Codable, Sendable, Equatable {
    public var name: String
    /// False when the lock was not held (releasing is idempotent).
    public var released: Bool
    public var token: Int64?
    public var forced: Bool

    public init(name: String, released: Bool, token: Int64?, forced: Bool) {
        self.name = name
        self.released = released
        self.token = token
        self.forced = forced
    }
}

/// `POST /locks/{name}/extend` body.
public struct LockExtendRequest: Codable, Sendable, Equatable {
    public var owner: String?
    public var pid: PID?
    public var ttl: DurationValue?

    public init(owner: String? = nil, pid: PID? = nil, ttl: DurationValue? = nil) {
        self.owner = owner
        self.pid = pid
        self.ttl = ttl
    }
}

/// `GET /locks` response.
public struct LocksResponse: Codable, Sendable, Equatable {
    public var locks: [LockInfo]
    public var count: Int
    public init(locks: [LockInfo]) {
        self.locks = locks
        self.count = locks.count
    }
}
