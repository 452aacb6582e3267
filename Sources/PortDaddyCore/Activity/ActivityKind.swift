import PortDaddyAPI

/// The type of an activity record, each spelled once: `<subject kind>.<what happened>` (`claim` alone for a new
/// claim, `lock` for a grant). Followers filter by prefix (`lock` follows `lock.*`); the wire carries the raw
/// value.
public struct ActivityKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static let claim = ActivityKind("claim")
    public static let claimRelease = ActivityKind("claim.release")
    public static let claimReap = ActivityKind("claim.reap")
    public static let lock = ActivityKind("lock")
    public static let lockRelease = ActivityKind("lock.release")
    public static let lockForce = ActivityKind("lock.force")
    public static let lockReap = ActivityKind("lock.reap")
    public static let agentRegister = ActivityKind("agent.register")
    public static let agentUnregister = ActivityKind("agent.unregister")
    public static let agentDead = ActivityKind("agent.dead")
    public static let sessionBegin = ActivityKind("session.begin")
    public static let sessionNote = ActivityKind("session.note")
    public static let sessionPhase = ActivityKind("session.phase")
    public static let sessionDone = ActivityKind("session.done")
    public static let sessionAbandon = ActivityKind("session.abandon")
    public static let filesClaim = ActivityKind("files.claim")
    public static let filesClaimForce = ActivityKind("files.claim.force")
    /// A file changed while a claim made with the user's authority held it (a snapshot was taken).
    public static let filesChanged = ActivityKind("files.changed")
    public static let salvageClaim = ActivityKind("salvage.claim")
    public static let salvageComplete = ActivityKind("salvage.complete")
    public static let salvageDismiss = ActivityKind("salvage.dismiss")
    public static let integrationReady = ActivityKind("integration.ready")
    public static let integrationNeeds = ActivityKind("integration.needs")
    public static let stackUp = ActivityKind("stack.up")
    public static let stackDown = ActivityKind("stack.down")
    public static let stackOrphan = ActivityKind("stack.orphan")
    public static let serviceStart = ActivityKind("service.start")
    public static let serviceReady = ActivityKind("service.ready")
    public static let serviceExit = ActivityKind("service.exit")
    public static let serviceCompleted = ActivityKind("service.completed")
    public static let serviceRestart = ActivityKind("service.restart")
    public static let serviceStop = ActivityKind("service.stop")
    public static let changelogAdd = ActivityKind("changelog.add")
    public static let runStart = ActivityKind("run.start")
    public static let runEnd = ActivityKind("run.end")
    public static let runKill = ActivityKind("run.kill")
    public static let runLost = ActivityKind("run.lost")
    public static let harborCreate = ActivityKind("harbor.create")
    public static let harborEnter = ActivityKind("harbor.enter")
    public static let harborLeave = ActivityKind("harbor.leave")
    public static let harborDestroy = ActivityKind("harbor.destroy")
    public static let walletTopUp = ActivityKind("wallet.top-up")
    public static let walletBudget = ActivityKind("wallet.budget")
    public static let bondSlash = ActivityKind("bond.slash")
    public static let walletRaise = ActivityKind("wallet.raise")
    public static let budgetPending = ActivityKind("budget.pending")
    public static let budgetCleared = ActivityKind("budget.cleared")
    public static let panicArmed = ActivityKind("panic.armed")
    public static let panicConfirmed = ActivityKind("panic.confirmed")
    public static let panicCleared = ActivityKind("panic.cleared")
    /// The arbiter found an invariant violated (subject: the invariant; detail: severity, what, and any action).
    public static let arbiterViolation = ActivityKind("arbiter.violation")

    /// The prefix that follows every integration signal.
    public static let integrationPrefix = "integration"

    /// An integration signal of `kind` (`ready`, `needs`).
    public static func integration(_ kind: String) -> ActivityKind { ActivityKind("\(integrationPrefix).\(kind)") }
}
