import Foundation
import PortDaddyAPI
import Synchronization

/// The arbiter: checks the six invariants (``ArbiterInvariant``) on the transitions that can break them (the services
/// call it through ``TransitionWatcher``) and in a periodic sweep over a snapshot of the state (``sweep()``, at the
/// reaper's cadence). Each violation goes to the activity log (`arbiter.violation`, hence to webhooks) and to the
/// `arbiter:violations` channel. In strict mode a critical violation with an offending agent declares that agent dead,
/// so its session goes to salvage. The mode is kept in the database across restarts.
public final class Arbiter: TransitionWatcher {
    /// The channel violations are published on.
    public static let channel = "arbiter:violations"

    struct Counter {
        var checked = 0
        var violations = 0
        var last: ArbiterViolationInfo?
    }

    struct State {
        var mode: ArbiterMode
        var counters: [ArbiterInvariant: Counter] = [:]
        /// The keys of the sweep's findings still standing: reported once, again only after they cleared.
        var open: Set<String> = []
        var firstSeenDead: [String: Int64] = [:]
    }

    let store: any ArbiterStore
    let coordination: CoordinationService?
    let activity: ActivityLog?
    let processes: any ProcessProber
    let clock: any WallClock
    /// One reaper interval: how long a dead owner may keep a lock, or a dead agent stay listed active.
    let graceMillis: Int64
    let announce: @Sendable (String) -> Void
    let state: Mutex<State>

    /// Loads the mode (observe when never set) and puts back any missing note trigger.
    public init(
        store: any ArbiterStore, coordination: CoordinationService?, activity: ActivityLog?, graceSeconds: Double,
        processes: any ProcessProber = SystemProcessProber(), clock: any WallClock = SystemWallClock(),
        announce: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(PortDaddyError) {
        try store.ensureNoteTriggers()
        self.store = store
        self.coordination = coordination
        self.activity = activity
        self.processes = processes
        self.clock = clock
        self.graceMillis = Int64(graceSeconds * 1000)
        self.announce = announce
        state = Mutex(State(mode: try store.arbiterMode() ?? .observe))
    }

    public var mode: ArbiterMode { state.withLock { $0.mode } }

    /// The mode and every invariant's counters since the daemon started.
    public func status() -> ArbiterStatus {
        state.withLock { state in
            ArbiterStatus(
                mode: state.mode,
                invariants: ArbiterInvariant.allCases.map { invariant in
                    let counter = state.counters[invariant] ?? Counter()
                    return ArbiterInvariantStatus(
                        name: invariant.rawValue, severity: invariant.severity, checked: counter.checked, violations: counter.violations,
                        lastViolation: counter.last)
                })
        }
    }

    /// Sets and keeps the mode.
    public func setMode(_ mode: ArbiterMode) throws(PortDaddyError) -> ArbiterStatus {
        try store.setArbiterMode(mode)
        state.withLock { $0.mode = mode }
        return status()
    }

    /// Records a synthetic violation of the invariant named `raw` (for demos and tests): reported like a real one,
    /// marked `synthetic`, never acted on, and no state changes.
    public func testInvariant(_ raw: String) throws(PortDaddyError) -> ArbiterViolationInfo {
        let invariant = try ArbiterInvariant.named(raw)
        let finding = ArbiterFinding(invariant, "synthetic violation from test-invariant", key: "synthetic")
        return report([finding], checked: [], synthetic: true)[0]
    }

    /// Checks every invariant over a snapshot of the state; reports findings not already reported while they stand.
    /// Returns the new violations.
    @discardableResult
    public func sweep() throws(PortDaddyError) -> [ArbiterViolationInfo] {
        let snapshot = try store.arbiterSnapshot(now: clock.nowMillis(), alive: { [processes] in processes.isAlive(pid: $0, start: $1) })
        let seen = state.withLock { $0.firstSeenDead }
        let locks = InvariantChecks.lockOwnerValidity(snapshot, graceMillis: graceMillis, firstSeenDead: seen)
        let stale = InvariantChecks.heartbeatFreshness(snapshot, graceMillis: graceMillis, firstSeenDead: seen)
        let findings =
            InvariantChecks.pidSquatting(snapshot) + InvariantChecks.noteMonotonicity(snapshot) + InvariantChecks.escrowPositivity(snapshot)
            + locks.findings + stale.findings
        let fresh = state.withLock { state -> [ArbiterFinding] in
            state.firstSeenDead = locks.firstSeenDead.merging(stale.firstSeenDead) { first, _ in first }
            let fresh = findings.filter { !state.open.contains($0.key) }
            state.open = Set(findings.map(\.key))
            return fresh
        }
        let swept = ArbiterInvariant.allCases.filter { $0 != .capabilityEscalation }
        return report(fresh, checked: swept)
    }

    // MARK: transitions

    public func agentBound(_ agent: String, pid: Int32, start: UInt64?) {
        // The agents alone: a registration does not pay for the sweep's other reads.
        guard let agents = try? store.arbiterAgents(alive: { [processes] in processes.isAlive(pid: $0, start: $1) }) else { return }
        let snapshot = ArbiterSnapshot(now: clock.nowMillis(), agents: agents, locks: [], balances: [:], bonds: [], noteRegressions: [])
        let finding = InvariantChecks.squatted(by: agent, pid: pid, start: start, in: snapshot)
        if let finding { state.withLock { _ = $0.open.insert(finding.key) } }
        report(finding.map { [$0] } ?? [], checked: [.pidSquatting])
    }

    public func harborWriteRefused(_ harbor: String, agent: String?) {
        let who = agent.map { "agent \($0)" } ?? "a caller without an agent"
        let finding = ArbiterFinding(
            .capabilityEscalation, "\(who) tried to write into closed harbor \(harbor) without being a member", agent: agent,
            key: "harbor:\(harbor):\(clock.nowMillis())")
        report([finding], checked: [.capabilityEscalation])
    }

    /// A claim or lock over the socket named `named` as its PID, and the caller (SO_PEERCRED) is `caller`: a warning
    /// when the named process is neither the caller nor an ancestor or descendant of it. Never acted on: naming
    /// another process is legitimate (`--pid`), so it is only recorded.
    public func namedPID(_ named: Int32, caller: Int32, what: String, agent: String?) {
        guard !ProcessTree.related(named, to: caller) else {
            report([], checked: [.pidSquatting])
            return
        }
        let finding = ArbiterFinding(
            .pidSquatting, "\(what) names PID \(named), which is neither the caller (PID \(caller)) nor its ancestor or descendant",
            agent: agent, key: "named:\(named):\(clock.nowMillis())", severity: .warning)
        report([finding], checked: [.pidSquatting])
    }

    // MARK: reporting

    /// Counts the checks, records and publishes each finding, and in strict mode acts on the critical ones.
    @discardableResult
    func report(_ findings: [ArbiterFinding], checked: [ArbiterInvariant], synthetic: Bool = false) -> [ArbiterViolationInfo] {
        let now = clock.nowMillis()
        let strict = mode == .strict
        let violations = findings.map { finding -> ArbiterViolationInfo in
            var violation = ArbiterViolationInfo(
                invariant: finding.invariant.rawValue, severity: finding.severity, at: now, detail: finding.detail, agent: finding.agent,
                synthetic: synthetic)
            if strict && !synthetic && finding.severity == .critical, let agent = finding.agent, let coordination,
                (try? coordination.declareDead(agent, why: "arbiter: \(finding.invariant.rawValue): \(finding.detail)")) == true
            {
                violation.action = "declared dead"
            }
            return violation
        }
        state.withLock { state in
            for invariant in checked { state.counters[invariant, default: Counter()].checked += 1 }
            for violation in violations {
                guard let invariant = ArbiterInvariant(rawValue: violation.invariant) else { continue }
                state.counters[invariant, default: Counter()].violations += 1
                state.counters[invariant, default: Counter()].last = violation
            }
        }
        for violation in violations {
            let flags = [violation.synthetic ? "synthetic" : nil, violation.action].compactMap { $0 }
            let suffix = flags.isEmpty ? "" : " (\(flags.joined(separator: "; ")))"
            activity?.record(
                .arbiterViolation, actor: violation.agent, subject: violation.invariant,
                detail: "\(violation.severity.rawValue): \(violation.detail)\(suffix)")
            announce(Self.json(violation))
        }
        return violations
    }

    static func json(_ violation: ArbiterViolationInfo) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(violation)).map { String(decoding: $0, as: UTF8.self) } ?? "{\"invariant\":\"\(violation.invariant)\"}"
    }
}
