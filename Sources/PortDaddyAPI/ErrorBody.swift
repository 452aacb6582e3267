/// The body of every error response: a human message and a stable machine code.
public struct ErrorBody: Codable, Sendable, Equatable {
    public var error: String
    public var code: String
    public init(error: String, code: String) {
        self.error = error
        self.code = code
    }
}

/// Stable error codes shared by the daemon, the client and the CLI.
public enum ErrorCode {
    public static let invalidIdentity = "INVALID_IDENTITY"
    public static let invalidPort = "INVALID_PORT"
    public static let invalidPID = "INVALID_PID"
    public static let invalidDuration = "INVALID_DURATION"
    public static let invalidRequest = "INVALID_REQUEST"
    public static let portUnavailable = "PORT_UNAVAILABLE"
    public static let rangeExhausted = "RANGE_EXHAUSTED"
    public static let notFound = "NOT_FOUND"
    public static let invalidLockName = "INVALID_LOCK_NAME"
    public static let invalidChannel = "INVALID_CHANNEL"
    public static let invalidSignal = "INVALID_SIGNAL"
    public static let invalidAgent = "INVALID_AGENT"
    public static let noActiveSession = "NO_ACTIVE_SESSION"
    public static let sessionActive = "SESSION_ACTIVE"
    public static let fileClaimed = "FILE_CLAIMED"
    public static let lockHeld = "LOCK_HELD"
    public static let lockTimeout = "LOCK_TIMEOUT"
    public static let notLockOwner = "NOT_LOCK_OWNER"
    public static let forbiddenHost = "FORBIDDEN_HOST"
    public static let forbiddenOrigin = "FORBIDDEN_ORIGIN"
    public static let bodyTooLarge = "BODY_TOO_LARGE"
    public static let storage = "STORAGE_ERROR"
    public static let shuttingDown = "SHUTTING_DOWN"
    public static let invalidStackConfig = "INVALID_STACK_CONFIG"
    public static let stackConflict = "STACK_CONFLICT"
    public static let stackFailed = "STACK_FAILED"
    public static let stackBusy = "STACK_BUSY"
    public static let untrustedCaller = "UNTRUSTED_CALLER"
    /// The connection belongs to another local user (checked by UID on loopback TCP and the Unix socket).
    public static let foreignUser = "FOREIGN_USER"
    /// The caller's user could not be determined, and the request needs the user's token.
    public static let tokenRequired = "TOKEN_REQUIRED"
    /// Too many connections on this listener; try again.
    public static let tooManyConnections = "TOO_MANY_CONNECTIONS"
    /// The request head did not arrive in time.
    public static let requestTimeout = "REQUEST_TIMEOUT"
    /// The daemon ran out of file descriptors or memory for this request.
    public static let resourceExhausted = "RESOURCE_EXHAUSTED"
    public static let `internal` = "INTERNAL_ERROR"
}
