import PortDaddyAPI
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Owns the claim rules: stable, verified-free ports, atomic claims and releases.
///
/// Claims live in an in-memory index (loaded from the store at start) guarded by one lock, which decides: two
/// callers can never receive the same port. Every change is queued for the store's group commit inside that
/// lock (so the store applies changes in the order the index made them) and waited for after it, so concurrent
/// claims share one transaction; no caller is answered before its change is durable. A write that fails is
/// undone in the index (see `ClaimService+Commit.swift`) and its caller gets the error. Every claim, release and reap is
/// recorded in the activity log (when it has one) by the service itself, so no caller can forget to.
public final class ClaimService: Sendable {
    struct State {
        var byIdentity: [Identity: Claim] = [:]
        var byPort: [Int: Identity] = [:]
        var lastPorts: [String: Int] = [:]
        var reserved: Set<Int>
        var reapedTotal = 0
        /// The last-seen time as last written to the store, per claim.
        var persistedSeenAt: [Identity: Int64] = [:]
    }

    /// How stale the stored last-seen time of an unchanged claim may get before a repeated claim writes it.
    static let seenWriteIntervalMillis: Int64 = 10_000

    let store: any ClaimStore
    let ports: any PortProber
    let processes: any ProcessProber
    let clock: any WallClock
    let range: ClosedRange<Int>
    let graceMillis: Int64
    let state: Mutex<State>
    /// Where new claims, releases and reaps are recorded (`nil`: not recorded, e.g. `pd bench`'s own service).
    let activity: ActivityLog?

    /// Loads the claims from `store`.
    public init(
        store: any ClaimStore, settings: ClaimSettings, ports: any PortProber = SystemPortProber(),
        processes: any ProcessProber = SystemProcessProber(), clock: any WallClock = SystemWallClock(), activity: ActivityLog? = nil
    ) throws(PortDaddyError) {
        self.store = store
        self.activity = activity
        self.ports = ports
        self.processes = processes
        self.clock = clock
        self.range = settings.range
        self.graceMillis = Int64(settings.graceSeconds * 1000)
        var initial = State(reserved: settings.reserved)
        for claim in try store.loadClaims() {
            initial.byIdentity[claim.identity] = claim
            initial.byPort[claim.port] = claim.identity
        }
        initial.lastPorts = try store.loadLastPorts()
        state = Mutex(initial)
    }

    /// Adds ports that are never handed out (e.g. the daemon's own, once it is bound).
    public func reserve(_ extra: Set<Int>) {
        state.withLock { $0.reserved.formUnion(extra) }
    }

    /// The reserved ports.
    public var reserved: Set<Int> { state.withLock { $0.reserved } }

    /// Number of live claims.
    public var count: Int { state.withLock { $0.byIdentity.count } }

    /// Claims freed by the reaper since start.
    public var reapedTotal: Int { state.withLock { $0.reapedTotal } }

    /// Claims a port for an identity and reports the claim's state right after: `POST /claim`'s one call.
    /// A new claim's port was just verified free, so only an existing claim can be listening; a bind test tells
    /// that without reading the whole socket table on the hot path.
    public func claimReporting(_ command: ClaimCommand, by actor: String? = nil) throws(PortDaddyError) -> ClaimReport {
        try claimReportingAfterCommit(command, by: actor).finish()
    }

    /// ``claimReporting(_:by:)`` in two halves: decides and queues the write now; the rest (waiting for the commit,
    /// recording the activity, reading the claim's state) runs when the caller finishes it, after queuing whatever
    /// else it serves in the same commit.
    public func claimReportingAfterCommit(_ command: ClaimCommand, by actor: String? = nil) throws(PortDaddyError) -> AfterCommit<ClaimReport> {
        let decided = try decide(command)
        return AfterCommit { () throws(PortDaddyError) -> ClaimReport in
            let outcome = try self.settled(decided)
            self.record(outcome, by: actor, note: nil)
            let c = outcome.claim
            let listening = outcome.existing && !self.ports.isFree(c.port)
            let status = ClaimStatus(claim: c, ownerAlive: self.processes.isAlive(pid: c.pid, start: c.pidStart), listening: listening)
            return ClaimReport(outcome: outcome, status: status)
        }
    }

    /// Claims a port for an identity, or returns the one it already holds. A new claim is recorded as `claim`
    /// by `actor`, its detail the port followed by `note` in parentheses.
    public func claim(_ command: ClaimCommand, by actor: String? = nil, note: String? = nil) throws(PortDaddyError) -> ClaimOutcome {
        let outcome = try claimUnrecorded(command)
        record(outcome, by: actor, note: note)
        return outcome
    }

    /// Records a new claim in the activity log (a repeated one is not news).
    func record(_ outcome: ClaimOutcome, by actor: String?, note: String?) {
        if !outcome.existing {
            activity?.record(.claim, actor: actor, subject: outcome.claim.identity.description, detail: Self.detail(outcome.claim, note))
        }
    }

    /// The detail of a claim's activity record: `port N` and the caller's note.
    static func detail(_ claim: Claim, _ note: String?) -> String {
        "port \(claim.port)" + (note.map { " (\($0))" } ?? "")
    }

    /// Claims without an activity record: for the stack supervisor, whose `service.*` records say it instead.
    public func claimUnrecorded(_ command: ClaimCommand) throws(PortDaddyError) -> ClaimOutcome {
        try settled(try decide(command))
    }

    /// A claim decided in the index and queued for the store, not committed yet.
    struct DecidedClaim {
        let outcome: ClaimOutcome
        let commit: PendingCommit
        let undo: Undo?
    }

    /// Waits for a decided claim's commit (undoing it in the index if that failed).
    func settled(_ decided: DecidedClaim) throws(PortDaddyError) -> ClaimOutcome {
        try settle(decided.commit, undo: decided.undo)
        return decided.outcome
    }

    /// Decides a claim in the index and queues its write.
    func decide(_ command: ClaimCommand) throws(PortDaddyError) -> DecidedClaim {
        // Look up the owner's start time outside the lock: it is a file read.
        let pidStart = command.pid.flatMap { processes.startTime(of: $0) }
        let now = clock.nowMillis()
        let expiresAt = command.ttlSeconds.map { now + Int64($0 * 1000) }
        let (outcome, commit, undo) = try state.withLock { (st: inout State) throws(PortDaddyError) -> (ClaimOutcome, PendingCommit, Undo?) in
            if var claim = st.byIdentity[command.identity] {
                var message = "already held by this identity"
                if let wanted = command.port, wanted != claim.port {
                    if let problem = try Self.unavailability(of: wanted, for: command.identity, in: st, ports: ports) {
                        guard command.fallback else { throw .portUnavailable(port: wanted, holder: problem) }
                        message = "port \(wanted) is held by \(problem); kept \(claim.port)"
                    } else {
                        claim.port = wanted
                        message = "moved to requested port \(wanted)"
                    }
                }
                if let pid = command.pid {
                    claim.pid = pid
                    claim.pidStart = pidStart
                }
                if let expiresAt { claim.expiresAt = expiresAt }
                if command.sticky { claim.sticky = true }
                claim.lastSeenAt = now
                let before = st.byIdentity[command.identity]!
                let previousPort = before.port
                // A repeated claim that changes nothing but the time it was last seen (the everyday
                // `PORT=$(pd claim app -q)`) skips the disk write unless the stored time is 10 s old: that time
                // only starts the reaper's grace after a restart, so it may lag a little.
                var unchangedBut = before
                unchangedBut.lastSeenAt = claim.lastSeenAt
                let stale = claim.lastSeenAt - (st.persistedSeenAt[claim.identity] ?? 0) >= Self.seenWriteIntervalMillis
                // Nothing to write still waits for writes queued before (this claim's first one may be among them).
                var commit = store.flushed(), undo: Undo?
                if unchangedBut != claim || stale {
                    commit = store.save(claim, rememberPort: st.lastPorts[claim.identity.description] != claim.port)
                    undo = Undo(after: claim, before: before, in: st)
                    st.persistedSeenAt[claim.identity] = claim.lastSeenAt
                }
                st.byPort[previousPort] = nil
                st.byPort[claim.port] = claim.identity
                st.byIdentity[claim.identity] = claim
                st.lastPorts[claim.identity.description] = claim.port
                return (ClaimOutcome(claim: claim, existing: true, message: message), commit, undo)
            }
            let (port, message) = try choosePort(for: command, in: st)
            let claim = Claim(
                identity: command.identity, port: port, pid: command.pid, pidStart: pidStart, claimedAt: now,
                lastSeenAt: now, expiresAt: expiresAt, sticky: command.sticky)
            let commit = store.save(claim, rememberPort: st.lastPorts[claim.identity.description] != port)
            let undo = Undo(after: claim, before: nil, in: st)
            st.persistedSeenAt[claim.identity] = now
            st.byIdentity[claim.identity] = claim
            st.byPort[port] = claim.identity
            st.lastPorts[claim.identity.description] = port
            return (ClaimOutcome(claim: claim, existing: false, message: message), commit, undo)
        }
        return DecidedClaim(outcome: outcome, commit: commit, undo: undo)
    }

    /// Picks the port for a new claim: the requested one, else the identity's last port, else its hash slot
    /// and onward through the range. Must be called with the lock held.
    func choosePort(for command: ClaimCommand, in st: State) throws(PortDaddyError) -> (Int, String) {
        if let wanted = command.port {
            guard let problem = try Self.unavailability(of: wanted, for: command.identity, in: st, ports: ports) else {
                return (wanted, "assigned requested port")
            }
            guard command.fallback else { throw .portUnavailable(port: wanted, holder: problem) }
            let (port, _) = try choosePort(for: ClaimCommand(identity: command.identity), in: st)
            return (port, "port \(wanted) is held by \(problem); assigned \(port) instead")
        }
        if let last = st.lastPorts[command.identity.description],
            try Self.unavailability(of: last, for: command.identity, in: st, ports: ports) == nil
        {
            return (last, "assigned this identity's previous port")
        }
        let start = StableHash.preferredPort(for: command.identity, in: range)
        let size = range.count
        for step in 0..<size {
            let candidate = range.lowerBound + (start - range.lowerBound + step) % size
            if try Self.unavailability(of: candidate, for: command.identity, in: st, ports: ports) == nil {
                return (candidate, step == 0 ? "assigned stable port" : "assigned next free port after \(start)")
            }
        }
        throw .rangeExhausted(lower: range.lowerBound, upper: range.upperBound)
    }

    /// Why `port` cannot go to `identity`, or `nil` when it can.
    static func unavailability(of port: Int, for identity: Identity, in st: State, ports: any PortProber) throws(PortDaddyError) -> String? {
        if st.reserved.contains(port) { return "Port Daddy (reserved)" }
        if let holder = st.byPort[port], holder != identity {
            let pid = st.byIdentity[holder]?.pid.map { " (pid \($0))" } ?? ""
            return "\(holder)\(pid)"
        }
        switch ports.probe(port) {
        case .free: return nil
        case .taken: return "another process on this machine"
        case .failed(let code):
            throw .resourceExhausted("cannot test port \(port): \(String(cString: strerror(code)))")
        }
    }

    /// Releases by identity, by port number, or by pattern. Idempotent: releasing nothing is not an error. Each
    /// released claim is recorded as `claim.release` by `actor`, its detail the port followed by `note`.
    @discardableResult
    public func release(_ target: String, by actor: String? = nil, note: String? = nil) throws(PortDaddyError) -> [Claim] {
        try releaseAfterCommit(target, by: actor, note: note).finish()
    }

    /// ``release(_:by:note:)`` in two halves: decides and queues the write now; waiting for the commit and
    /// recording the activity run when the caller finishes it.
    public func releaseAfterCommit(_ target: String, by actor: String? = nil, note: String? = nil) throws(PortDaddyError) -> AfterCommit<[Claim]> {
        let (victims, commit) = try decideRelease(target)
        return AfterCommit { () throws(PortDaddyError) -> [Claim] in
            try self.settle(commit, reinstating: victims)
            for claim in victims {
                self.activity?.record(.claimRelease, actor: actor, subject: claim.identity.description, detail: Self.detail(claim, note))
            }
            return victims
        }
    }

    /// Releases without an activity record (the stack supervisor's own service ports).
    public func releaseUnrecorded(_ target: String) throws(PortDaddyError) -> [Claim] {
        let (victims, commit) = try decideRelease(target)
        try settle(commit, reinstating: victims)
        return victims
    }

    /// Takes the claims `target` names out of the index and queues their deletion.
    func decideRelease(_ target: String) throws(PortDaddyError) -> ([Claim], PendingCommit) {
        let trimmed = target.trimmingWhitespace()
        let matcher: (Claim) -> Bool
        if let port = Int(trimmed) {
            guard PortNumber.range.contains(port) else { throw .invalidPort(port) }
            matcher = { $0.port == port }
        } else if IdentityPattern.isPattern(trimmed) {
            let pattern: IdentityPattern
            do { pattern = try IdentityPattern(parsing: trimmed) } catch { throw .invalidIdentity(error.description) }
            matcher = { pattern.matches($0.identity) }
        } else {
            let identity: Identity
            do { identity = try Identity(parsing: trimmed) } catch { throw .invalidIdentity(error.description) }
            matcher = { $0.identity == identity }
        }
        let (victims, commit) = state.withLock { st -> ([Claim], PendingCommit) in
            let victims = st.byIdentity.values.filter(matcher).sorted { $0.port < $1.port }
            guard !victims.isEmpty else { return ([], .nothing) }
            let commit = store.delete(victims.map { FreedClaim(claim: $0, reason: .released) })
            for claim in victims {
                st.byIdentity[claim.identity] = nil
                st.persistedSeenAt[claim.identity] = nil
                st.byPort[claim.port] = nil
            }
            return (victims, commit)
        }
        return (victims, commit)
    }

    /// Makes a sticky claim an ordinary one again (its holder ended), counting liveness from now: a listening
    /// port keeps it, otherwise the reaper frees it after the grace period.
    public func unstick(_ identity: Identity) throws(PortDaddyError) {
        let now = clock.nowMillis()
        try state.withLock { (st: inout State) throws(PortDaddyError) in
            guard var claim = st.byIdentity[identity], claim.sticky else { return }
            claim.sticky = false
            claim.lastSeenAt = now
            // Rare: waits for its commit inside the lock, so the index never runs ahead of the store here.
            try store.save(claim, rememberPort: false).wait()
            st.byIdentity[identity] = claim
        }
    }

    /// Every claim as the index holds it, ordered by port, without asking the OS anything.
    public func snapshot() -> [Claim] {
        state.withLock { st in Array(st.byIdentity.values) }.sorted { $0.port < $1.port }
    }

    /// Claims matching `pattern` (all when `nil`), ordered by port, with their current state.
    public func statuses(matching pattern: IdentityPattern? = nil) -> [ClaimStatus] {
        let claims: [Claim]
        if let exact = pattern?.exactIdentity {
            // An identity without wildcards (what pd find <id> sends): one lookup, whatever the number of claims.
            claims = state.withLock { st in st.byIdentity[exact].map { [$0] } ?? [] }
        } else {
            claims = snapshot().filter { pattern?.matches($0.identity) ?? true }
        }
        guard !claims.isEmpty else { return [] }
        let listening = ports.listening(among: claims.map(\.port))
        return claims.map { claim in
            ClaimStatus(
                claim: claim, ownerAlive: processes.isAlive(pid: claim.pid, start: claim.pidStart),
                listening: listening.contains(claim.port))
        }
    }

    /// The claim of one identity with its current state, or `nil`.
    public func status(of identity: Identity) -> ClaimStatus? {
        guard let claim = state.withLock({ $0.byIdentity[identity] }) else { return nil }
        return ClaimStatus(
            claim: claim, ownerAlive: processes.isAlive(pid: claim.pid, start: claim.pidStart),
            listening: !ports.listening(among: [claim.port]).isEmpty)
    }
}
