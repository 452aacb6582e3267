import PortDaddyAPI

/// Every error the domain can raise, each with a stable code and a message that says what to do.
public enum PortDaddyError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidIdentity(String)
    case invalidPort(Int)
    case invalidPID(Int)
    case invalidDuration(String)
    case invalidRequest(String)
    /// The requested port is claimed by another identity or bound by another process.
    case portUnavailable(port: Int, holder: String)
    case rangeExhausted(lower: Int, upper: Int)
    /// The daemon could not even test a port (out of descriptors or memory): not the same as "taken".
    case resourceExhausted(String)
    case notFound(String)
    case storage(String)
    case invalidLockName(String)
    case invalidChannel(String)
    case invalidAgent(String)
    /// The agent has no active session.
    case noActiveSession(agent: String)
    /// The agent already has an active session.
    case sessionActive(agent: String, session: String)
    /// A file is claimed by another live session.
    case fileClaimed(path: String, agent: String, session: String)
    case invalidSignal(String)
    /// The lock is held by someone else.
    case lockHeld(name: String, holder: String, expiresAt: Int64)
    /// Waiting for the lock took longer than allowed.
    case lockTimeout(name: String, holder: String)
    /// Only the holder may release or extend a lock.
    case notLockOwner(name: String, holder: String)
    /// A `.portdaddyrc` is missing or invalid; every problem with its JSON path.
    case invalidStackConfig(path: String, problems: [String])
    /// The stack key is already taken by a checkout in another directory.
    case stackConflict(key: String, root: String)
    /// A stack did not come up: a service failed, timed out, or its dependency did.
    case stackFailed(key: String, why: String)
    /// The stack or service is being stopped (or the daemon is): try again once it has.
    case stackBusy(String)
    /// A dashboard tab without the user's authority asked to see stack output or control a stack.
    case dashboardLocked
    /// The request runs commands or reads files: it needs the Unix socket or the user's token.
    case untrustedCaller(String)
    /// `pd spawn` does not know the backend.
    case unknownBackend(String)
    /// The launch would run without exact token and cost accounting; the message says why and what to allow.
    case telemetryUnavailable(String)
    /// A launch without a budget.
    case budgetRequired(String)
    /// A launch or a running agent the budget cannot pay for.
    case budgetExceeded(String)
    /// Too many runs at once.
    case concurrencyLimit(limit: Int)
    /// A usage report with another run's token, or none.
    case invalidRunToken
    /// A tuple pattern that is not of the pattern language (the message names the element).
    case invalidPattern(String)
    /// No live tuple matches, or no tuple has that id.
    case tupleNotFound(String)
    /// A waiting read or take ran out of time.
    case tupleWaitTimeout(harbor: String, pattern: String)
    /// The harbor holds ``TupleLimits/maxPerHarbor`` live tuples.
    case tupleSpaceFull(harbor: String)
    /// A write to a closed harbor by an agent that is not a member (or by no agent).
    case notHarborMember(harbor: String, agent: String?)
    /// A cursor compare-and-set whose `from` is stale: `current` is where the cursor is now.
    case cursorMoved(consumer: String, channel: String, current: Int64)
    /// The project's wallet cannot cover a run's bond (the message says how much it holds and needs).
    case walletInsufficient(String)
    /// The panic switch fired.
    case panicked(String)
    /// A confirmation without an armed panic switch.
    case panicNotArmed
    /// A pending kill whose grace was extended twice already.
    case graceExhausted(run: String)
    /// A pending-kill action on a run that is no longer pending.
    case alreadyKilled(run: String)
    /// A fleet file with problems (each with its YAML path).
    case invalidFleetConfig(problems: [String])
    /// A conditional write whose file changed since it was read (`current` is its hash now).
    case fileChanged(path: String, current: String?)
    /// A webhook URL the address policy refuses; the message says why and what would allow it.
    case webhookAddressRefused(String)
    /// No webhook has that id.
    case webhookNotFound(String)
    /// ``WebhookLimits/maxWebhooks`` webhooks are registered.
    case webhookLimit
    /// Encrypted text cannot be read or written: no usable master key (the message says why and what to do).
    case noteKeyMissing(String)
    /// Encrypted text does not authenticate (a changed or moved row).
    case noteTampered(String)
    /// Cluster mode: PostgreSQL is unreachable or refused this node (the message says which and what to do).
    case clusterUnavailable(String)

    /// The stable machine-readable code.
    public var code: ErrorCode {
        switch self {
        case .invalidIdentity: return .invalidIdentity
        case .invalidPort: return .invalidPort
        case .invalidPID: return .invalidPID
        case .invalidDuration: return .invalidDuration
        case .invalidRequest: return .invalidRequest
        case .portUnavailable: return .portUnavailable
        case .rangeExhausted: return .rangeExhausted
        case .resourceExhausted: return .resourceExhausted
        case .notFound: return .notFound
        case .storage: return .storage
        case .invalidLockName: return .invalidLockName
        case .invalidChannel: return .invalidChannel
        case .invalidAgent: return .invalidAgent
        case .noActiveSession: return .noActiveSession
        case .sessionActive: return .sessionActive
        case .fileClaimed: return .fileClaimed
        case .invalidSignal: return .invalidSignal
        case .lockHeld: return .lockHeld
        case .lockTimeout: return .lockTimeout
        case .notLockOwner: return .notLockOwner
        case .invalidStackConfig: return .invalidStackConfig
        case .stackConflict: return .stackConflict
        case .stackFailed: return .stackFailed
        case .stackBusy: return .stackBusy
        case .untrustedCaller, .dashboardLocked: return .untrustedCaller
        case .unknownBackend: return .unknownBackend
        case .telemetryUnavailable: return .telemetryUnavailable
        case .budgetRequired: return .budgetRequired
        case .budgetExceeded: return .budgetExceeded
        case .walletInsufficient: return .walletInsufficient
        case .panicked: return .panicked
        case .panicNotArmed: return .panicNotArmed
        case .graceExhausted: return .graceExhausted
        case .alreadyKilled: return .alreadyKilled
        case .invalidFleetConfig: return .invalidFleetConfig
        case .fileChanged: return .fileChanged
        case .webhookAddressRefused: return .webhookAddressRefused
        case .webhookNotFound: return .webhookNotFound
        case .webhookLimit: return .webhookLimit
        case .noteKeyMissing: return .noteKeyMissing
        case .noteTampered: return .noteTampered
        case .clusterUnavailable: return .clusterUnavailable
        case .concurrencyLimit: return .concurrencyLimit
        case .invalidRunToken: return .invalidRunToken
        case .invalidPattern: return .invalidPattern
        case .tupleNotFound: return .tupleNotFound
        case .tupleWaitTimeout: return .tupleWaitTimeout
        case .tupleSpaceFull: return .tupleSpaceFull
        case .notHarborMember: return .notHarborMember
        case .cursorMoved: return .cursorMoved
        }
    }

    /// A human message that says what went wrong and what to do about it.
    public var description: String {
        switch self {
        case .invalidIdentity(let why): return why
        case .invalidPort(let port): return PortNumber.outOfRange(port).message
        case .invalidPID(let pid): return PID.invalid(pid).message
        case .invalidDuration(let why):
            return "expires: \(why)"
        case .invalidRequest(let why): return why
        case .portUnavailable(let port, let holder):
            return "port \(port) is held by \(holder); ask for another port, allow a fallback, or release it"
        case .rangeExhausted(let lower, let upper):
            return "no free port left in \(lower)-\(upper); release stale claims (pd cleanup) or widen PORT_DADDY_RANGE_START/END"
        case .resourceExhausted(let why): return "\(why); the daemon is out of resources, try again in a moment (pd doctor shows its state)"
        case .notFound(let what): return what
        case .storage(let why): return "the registry database failed: \(why); run pd doctor"
        case .invalidLockName(let why): return why
        case .invalidChannel(let why): return why
        case .invalidAgent(let why): return why
        case .noActiveSession(let agent):
            return "agent \(agent) has no active session; start one with pd begin \"<purpose>\""
        case .sessionActive(let agent, let session):
            return "agent \(agent) already has session \(session); end it with pd done first"
        case .fileClaimed(let path, let agent, let session):
            return "\(path) is claimed by \(agent) (session \(session)); coordinate with them, or pass --force"
        case .invalidSignal(let signal):
            return "\"\(signal)\" is not a signal; use one of \(Signal.all.joined(separator: ", "))"
        case .lockHeld(let name, let holder, _):
            return "lock \(name) is held by \(holder); wait for it (--wait 30s) or break it (--force)"
        case .lockTimeout(let name, let holder):
            return "timed out waiting for lock \(name), still held by \(holder)"
        case .notLockOwner(let name, let holder):
            return "lock \(name) is held by \(holder), not by you; only the holder may release or extend it (pd unlock --force breaks it)"
        case .invalidStackConfig(let path, let problems):
            return "\(path) is not valid:\n  " + problems.joined(separator: "\n  ")
        case .stackConflict(let key, let root):
            return "stack \(key) is already running from \(root); stop it there (pd down) or give this checkout its own context (--context NAME)"
        case .stackFailed(let key, let why):
            return "stack \(key) did not come up: \(why)"
        case .stackBusy(let why): return why
        case .dashboardLocked:
            return "this tab may not control stacks: open the dashboard with pd dashboard, which unlocks the tab with a one-time code"
        case .untrustedCaller(let what):
            return "\(what) needs the Unix socket or the user's token (X-PD-Token, from the data dir's token file)"
        case .unknownBackend(let name):
            return "unknown backend \"\(name)\"; pd backends lists them (claude-cli, codex, aider, gemini, claude, ollama, openai, custom)"
        case .telemetryUnavailable(let why): return why
        case .budgetRequired(let why): return why
        case .budgetExceeded(let why), .walletInsufficient(let why), .panicked(let why): return why
        case .panicNotArmed: return "the panic switch is not armed (or its window passed): arm it first with pd fleet panic --reason R"
        case .graceExhausted(let run): return "run \(run)'s grace was extended twice already; raise the allowance or let it stop"
        case .alreadyKilled(let run): return "run \(run) is not waiting on its budget any more (it was killed, or it ended)"
        case .invalidFleetConfig(let problems): return "pd-fleet.yml is not valid: " + problems.joined(separator: "; ")
        case .fileChanged(let path, let current):
            return "\(path) changed since it was read (its sha256 is now \(current ?? "gone")): read it again and retry"
        case .webhookAddressRefused(let why): return why
        case .webhookNotFound(let id): return "no webhook \(id) (pd webhooks lists them)"
        case .webhookLimit: return "\(WebhookLimits.maxWebhooks) webhooks are registered, the most allowed; remove one first (pd webhooks rm ID)"
        case .noteKeyMissing(let why): return "encrypted text cannot be read or written: \(why)"
        case .noteTampered(let why): return why
        case .clusterUnavailable(let why): return why
        case .concurrencyLimit(let limit):
            return "\(limit) runs are already going (PORT_DADDY_MAX_RUNS); wait for one to end or kill one (pd spawn kill RUN)"
        case .invalidRunToken: return "X-PD-Run-Token is not this run's token"
        case .invalidPattern(let why): return why
        case .tupleNotFound(let what): return what
        case .tupleWaitTimeout(let harbor, let pattern):
            return "no tuple matching \(pattern) arrived in harbor \(harbor) in time"
        case .tupleSpaceFull(let harbor):
            return "harbor \(harbor) holds \(TupleLimits.maxPerHarbor) tuples, the most allowed; take or remove some (pd tuple in, pd tuple rm)"
        case .notHarborMember(let harbor, let agent?):
            return "harbor \(harbor) is closed and agent \(agent) is not a member; enter it first (pd harbor enter \(harbor))"
        case .notHarborMember(let harbor, nil):
            return "harbor \(harbor) is closed: only members write; set PD_AGENT_ID and enter it (pd harbor enter \(harbor))"
        case .cursorMoved(let consumer, let channel, let current):
            return "cursor of \(consumer) on \(channel) has moved to \(current); read again from there"
        }
    }

    /// A wire value's rule broken inside a Core call: the same code and message.
    public init(_ invalid: InvalidValue) {
        switch invalid.code {
        case .invalidPattern: self = .invalidPattern(invalid.message)
        case .invalidIdentity: self = .invalidIdentity(invalid.message)
        default: self = .invalidRequest(invalid.message)
        }
    }
}

/// Limits on process ids.
public enum ProcessLimits {
    /// The largest PID any supported OS hands out (``PID/maximum``).
    public static let maxPID = PID.maximum
}
