import PortDaddyAPI

/// A port held by an identity, and who holds it.
public struct Claim: Sendable, Equatable {
    public var identity: Identity
    public var port: Int
    /// The owner process, if known.
    public var pid: Int32?
    /// The owner's start time as the OS reports it, so that a reused PID is never taken for the owner.
    public var pidStart: UInt64?
    /// Milliseconds since 1970.
    public var claimedAt: Int64
    /// Last time the owner was alive or the port was listening (milliseconds since 1970).
    public var lastSeenAt: Int64
    /// When the claim expires regardless of liveness (milliseconds since 1970).
    public var expiresAt: Int64?
    /// Held until released: not freed when the owner dies.
    public var sticky: Bool

    public init(identity: Identity, port: Int, pid: Int32?, pidStart: UInt64?, claimedAt: Int64, lastSeenAt: Int64, expiresAt: Int64?, sticky: Bool) {
        self.identity = identity
        self.port = port
        self.pid = pid
        self.pidStart = pidStart
        self.claimedAt = claimedAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
        self.sticky = sticky
    }
}

/// A claim together with what the OS says about it right now.
public struct ClaimStatus: Sendable, Equatable {
    public var claim: Claim
    /// The owner process (PID and start time both match) is running.
    public var ownerAlive: Bool
    /// Something is listening on the port.
    public var listening: Bool

    public init(claim: Claim, ownerAlive: Bool, listening: Bool) {
        self.claim = claim
        self.ownerAlive = ownerAlive
        self.listening = listening
    }

    /// The one rule for a claim's state: listening wins, then a live owner, else dead.
    public var state: ClaimState {
        if listening { return .listening }
        return ownerAlive ? .assigned : .dead
    }
}

/// Why a claim was freed.
public enum FreeReason: String, Sendable {
    case released
    case expired
    case ownerDead = "owner-dead"
}

/// A claim that has just been freed.
public struct FreedClaim: Sendable, Equatable {
    public var claim: Claim
    public var reason: FreeReason
}

/// A request to claim a port, validated.
public struct ClaimCommand: Sendable {
    public var identity: Identity
    public var port: Int?
    public var fallback: Bool
    public var pid: Int32?
    public var ttlSeconds: Double?
    public var sticky: Bool

    public init(identity: Identity, port: Int? = nil, fallback: Bool = false, pid: Int32? = nil, ttlSeconds: Double? = nil, sticky: Bool = false) {
        self.identity = identity
        self.port = port
        self.fallback = fallback
        self.pid = pid
        self.ttlSeconds = ttlSeconds
        self.sticky = sticky
    }

    /// Validates raw request values into a command.
    public static func validated(id: String, port: Int?, fallback: Bool?, pid: Int?, ttlSeconds: Double?, sticky: Bool?) throws(PortDaddyError)
        -> ClaimCommand
    {
        let identity: Identity
        do { identity = try Identity(parsing: id) } catch { throw .invalidIdentity(error.description) }
        if let port, !PortNumber.range.contains(port) { throw .invalidPort(port) }
        let owner = try validatedPID(pid)
        return ClaimCommand(identity: identity, port: port, fallback: fallback ?? false, pid: owner, ttlSeconds: ttlSeconds, sticky: sticky ?? false)
    }

    /// Checks that a PID is in the range the OS can hand out.
    public static func validatedPID(_ pid: Int?) throws(PortDaddyError) -> Int32? {
        guard let pid else { return nil }
        do { return try PID(validating: pid).value } catch { throw .invalidPID(pid) }
    }
}

/// The result of a claim.
public struct ClaimOutcome: Sendable, Equatable {
    public var claim: Claim
    /// The identity already held this claim.
    public var existing: Bool
    /// What happened, in words.
    public var message: String
}

/// A claim's outcome together with the claim's state right after it (what `POST /claim` answers).
public struct ClaimReport: Sendable, Equatable {
    public var outcome: ClaimOutcome
    public var status: ClaimStatus
}
