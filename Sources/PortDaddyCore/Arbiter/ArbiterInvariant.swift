import PortDaddyAPI

/// The six invariants the arbiter checks, by their wire names.
public enum ArbiterInvariant: String, CaseIterable, Sendable {
    /// An agent bound to a (pid, start) already bound to another live agent (critical); a claim or lock over the
    /// socket naming a PID unrelated to the caller (warning only, never acted on).
    case pidSquatting = "PID_SQUATTING"
    /// A write into a closed harbor by a non-member (refused, and recorded).
    case capabilityEscalation = "CAPABILITY_ESCALATION"
    /// Per session, note ids strictly increase and times never go backwards; notes are never rewritten or deleted.
    case noteMonotonicity = "NOTE_MONOTONICITY"
    /// Wallet balances (Σ ledger) are never negative; every escrowed or held bond is positive and slashed at most in full.
    case escrowPositivity = "ESCROW_POSITIVITY"
    /// Every held lock's owner is alive or within one reaper interval of its death; fencing tokens only increase.
    case lockOwnerValidity = "LOCK_OWNER_VALIDITY"
    /// Every agent listed alive has a heartbeat within its TTL or a live PID (beyond one reaper interval of slack).
    case heartbeatFreshness = "HEARTBEAT_FRESHNESS"

    /// The severity of its usual violation.
    public var severity: ArbiterSeverity {
        switch self {
        case .pidSquatting, .noteMonotonicity, .escrowPositivity: .critical
        case .capabilityEscalation, .lockOwnerValidity, .heartbeatFreshness: .warning
        }
    }

    /// The invariant named `raw` (case-insensitive), or 404 naming the six.
    public static func named(_ raw: String) throws(PortDaddyError) -> ArbiterInvariant {
        guard let invariant = ArbiterInvariant(rawValue: raw.uppercased()) else {
            throw .notFound("no invariant \"\(raw)\"; the invariants are \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return invariant
    }
}

/// A violation found by a check, before it is recorded. `key` names the offending state, so a state that stays
/// wrong is reported once, not at every sweep.
public struct ArbiterFinding: Sendable, Equatable {
    public var invariant: ArbiterInvariant
    public var severity: ArbiterSeverity
    public var detail: String
    public var agent: String?
    public var key: String

    public init(_ invariant: ArbiterInvariant, _ detail: String, agent: String? = nil, key: String, severity: ArbiterSeverity? = nil) {
        self.invariant = invariant
        self.severity = severity ?? invariant.severity
        self.detail = detail
        self.agent = agent
        self.key = key
    }
}
