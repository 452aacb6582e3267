/// The body of every error response: a human message and a stable machine code.
public struct ErrorBody: Codable, Sendable, Equatable {
    public var error: String
    public var code: String
    public init(error: String, code: String) {
        self.error = error
        self.code = code
    }

    public init(error: String, code: ErrorCode) {
        self.init(error: error, code: code.rawValue)
    }

    /// The code as a known ``ErrorCode``, nil for one this build does not know (a newer daemon).
    public var errorCode: ErrorCode? { ErrorCode(rawValue: code) }
}

/// Every error code the daemon sends, with the HTTP status it always goes with. The CLI's exit code (`PDExit`)
/// and MCP's JSON-RPC error (`ErrorCode.mcpError` in PortDaddyMCP) are mapped from it exhaustively, so a new
/// code does not compile until it says what it means there.
public enum ErrorCode: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case invalidIdentity = "INVALID_IDENTITY"
    case invalidPort = "INVALID_PORT"
    case invalidPID = "INVALID_PID"
    case invalidDuration = "INVALID_DURATION"
    case invalidRequest = "INVALID_REQUEST"
    case portUnavailable = "PORT_UNAVAILABLE"
    case rangeExhausted = "RANGE_EXHAUSTED"
    case notFound = "NOT_FOUND"
    case invalidLockName = "INVALID_LOCK_NAME"
    case invalidChannel = "INVALID_CHANNEL"
    case invalidSignal = "INVALID_SIGNAL"
    case invalidAgent = "INVALID_AGENT"
    case noActiveSession = "NO_ACTIVE_SESSION"
    case sessionActive = "SESSION_ACTIVE"
    case fileClaimed = "FILE_CLAIMED"
    case lockHeld = "LOCK_HELD"
    case lockTimeout = "LOCK_TIMEOUT"
    case notLockOwner = "NOT_LOCK_OWNER"
    case forbiddenHost = "FORBIDDEN_HOST"
    case forbiddenOrigin = "FORBIDDEN_ORIGIN"
    case bodyTooLarge = "BODY_TOO_LARGE"
    case storage = "STORAGE_ERROR"
    case shuttingDown = "SHUTTING_DOWN"
    case invalidStackConfig = "INVALID_STACK_CONFIG"
    case stackConflict = "STACK_CONFLICT"
    case stackFailed = "STACK_FAILED"
    case stackBusy = "STACK_BUSY"
    case untrustedCaller = "UNTRUSTED_CALLER"
    /// The connection belongs to another local user (checked by UID on loopback TCP and the Unix socket).
    case foreignUser = "FOREIGN_USER"
    /// The caller's user could not be determined, and the request needs the user's token.
    case tokenRequired = "TOKEN_REQUIRED"
    /// Too many connections on this listener; try again.
    case tooManyConnections = "TOO_MANY_CONNECTIONS"
    /// The request head did not arrive in time.
    case requestTimeout = "REQUEST_TIMEOUT"
    /// The daemon ran out of file descriptors or memory for this request.
    case resourceExhausted = "RESOURCE_EXHAUSTED"
    case `internal` = "INTERNAL_ERROR"
    /// CONNECT and other methods the daemon never serves.
    case methodNotAllowed = "METHOD_NOT_ALLOWED"
    /// `pd spawn` does not know that backend.
    case unknownBackend = "UNKNOWN_BACKEND"
    /// The backend or model cannot count tokens and cost exactly, and the launch did not allow that.
    case telemetryUnavailable = "TELEMETRY_UNAVAILABLE"
    /// A launch without a budget.
    case budgetRequired = "BUDGET_REQUIRED"
    /// A launch the budget cannot pay for.
    case budgetExceeded = "BUDGET_EXCEEDED"
    /// Too many runs at once (`PORT_DADDY_MAX_RUNS`).
    case concurrencyLimit = "CONCURRENCY_LIMIT"
    /// A usage report whose `X-PD-Run-Token` is not that run's token.
    case invalidRunToken = "INVALID_RUN_TOKEN"
    /// A tuple pattern element that is none of the pattern language's forms (the message names its index).
    case invalidPattern = "INVALID_PATTERN"
    /// No live tuple matches (read, take, remove).
    case tupleNotFound = "TUPLE_NOT_FOUND"
    /// A waiting read or take saw no matching tuple in time.
    case tupleWaitTimeout = "TUPLE_WAIT_TIMEOUT"
    /// The harbor holds the most live tuples allowed (100,000).
    case tupleSpaceFull = "TUPLE_SPACE_FULL"
    /// A closed harbor refuses writes from agents that are not its members.
    case notHarborMember = "NOT_HARBOR_MEMBER"
    /// A consumer cursor's compare-and-set whose `from` is no longer the stored position (another reader moved it).
    case cursorMoved = "CURSOR_MOVED"
    /// The project's wallet cannot cover a run's bond.
    case walletInsufficient = "WALLET_INSUFFICIENT"
    /// The panic switch fired: nothing spawns until `pd fleet unpanic`.
    case panicked = "PANICKED"
    /// A panic confirmation without an armed switch (or after its window).
    case panicNotArmed = "PANIC_NOT_ARMED"
    /// A pending kill's grace was already extended twice.
    case graceExhausted = "GRACE_EXHAUSTED"
    /// The run is no longer pending: it was killed (or ended).
    case alreadyKilled = "ALREADY_KILLED"
    /// A `pd-fleet.yml` (sent or on disk) with problems; the message lists them with their YAML paths.
    case invalidFleetConfig = "INVALID_FLEET_CONFIG"
    /// A write conditioned on `If-Match` whose file changed since it was read.
    case fileChanged = "FILE_CHANGED"
    /// A webhook URL whose address the policy refuses (link-local, metadata, private without permission, plain http
    /// off loopback).
    case webhookAddressRefused = "WEBHOOK_ADDRESS_REFUSED"
    /// No webhook has that id.
    case webhookNotFound = "WEBHOOK_NOT_FOUND"
    /// The most webhooks allowed (100) are registered.
    case webhookLimit = "WEBHOOK_LIMIT"
    /// Encrypted text (a note, a run's task or result) cannot be read: the master key file is missing or is not the
    /// one the database was written with (`pd doctor` says which).
    case noteKeyMissing = "NOTE_KEY_MISSING"
    /// Encrypted text does not authenticate: its row was changed or moved.
    case noteTampered = "NOTE_TAMPERED"
    /// Cluster mode: the shared PostgreSQL cannot be reached (or refused this node); shared operations fail fast
    /// while local port claims keep working, and the node reconnects by itself.
    case clusterUnavailable = "CLUSTER_UNAVAILABLE"

    public var description: String { rawValue }

    /// The HTTP status every response with this code has.
    public var httpStatus: Int {
        switch self {
        case .invalidIdentity, .invalidPort, .invalidPID, .invalidDuration, .invalidRequest, .invalidLockName, .invalidChannel,
            .invalidSignal, .invalidAgent, .unknownBackend, .invalidPattern:
            return 400
        case .untrustedCaller, .tokenRequired, .invalidRunToken: return 401
        case .notLockOwner, .forbiddenHost, .forbiddenOrigin, .foreignUser, .notHarborMember: return 403
        case .notFound, .tupleNotFound, .webhookNotFound: return 404
        case .methodNotAllowed: return 405
        case .requestTimeout: return 408
        case .portUnavailable, .noActiveSession, .sessionActive, .fileClaimed, .lockHeld, .lockTimeout, .stackConflict, .stackBusy,
            .telemetryUnavailable, .budgetRequired, .budgetExceeded, .concurrencyLimit, .tupleWaitTimeout, .tupleSpaceFull, .cursorMoved,
            .walletInsufficient, .panicked, .panicNotArmed, .graceExhausted, .alreadyKilled, .webhookLimit:
            return 409
        case .bodyTooLarge: return 413
        case .fileChanged: return 412
        case .invalidStackConfig, .invalidFleetConfig, .webhookAddressRefused: return 422
        case .stackFailed: return 424
        case .storage, .`internal`, .noteKeyMissing, .noteTampered: return 500
        case .rangeExhausted, .shuttingDown, .tooManyConnections, .resourceExhausted, .clusterUnavailable: return 503
        }
    }
}
