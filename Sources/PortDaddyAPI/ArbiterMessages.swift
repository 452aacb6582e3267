/// The arbiter's mode: `observe` records violations; `strict` also declares the agent behind a critical one dead.
public enum ArbiterMode: String, Codable, Sendable, CaseIterable {
    case observe
    case strict
}

/// How serious a violation is: only a critical one is acted on (in strict mode).
public enum ArbiterSeverity: String, Codable, Sendable {
    case critical
    case warning
}

/// One violation of an invariant, as the activity log, the `arbiter:violations` channel and the status carry it.
public struct ArbiterViolationInfo: Codable, Sendable, Equatable {
    /// The invariant's name, e.g. `PID_SQUATTING`.
    public var invariant: String
    public var severity: ArbiterSeverity
    /// Milliseconds since 1970.
    public var at: Int64
    public var detail: String
    /// The agent the violation is about, when there is one.
    public var agent: String?
    /// True for one made by `POST /arbiter/test-invariant/{NAME}`: no state was wrong.
    public var synthetic: Bool
    /// What strict mode did about it (`declared dead`), if anything.
    public var action: String?
    public init(
        invariant: String, severity: ArbiterSeverity, at: Int64, detail: String, agent: String? = nil, synthetic: Bool = false,
        action: String? = nil
    ) {
        (self.invariant, self.severity, self.at, self.detail) = (invariant, severity, at, detail)
        (self.agent, self.synthetic, self.action) = (agent, synthetic, action)
    }
}

/// One invariant's counters since the daemon started.
public struct ArbiterInvariantStatus: Codable, Sendable, Equatable {
    public var name: String
    /// The severity of its usual violation (PID_SQUATTING also has a warning-only form).
    public var severity: ArbiterSeverity
    /// How many times it was checked (on a transition or by a sweep).
    public var checked: Int
    public var violations: Int
    public var lastViolation: ArbiterViolationInfo?
    public init(name: String, severity: ArbiterSeverity, checked: Int, violations: Int, lastViolation: ArbiterViolationInfo?) {
        (self.name, self.severity, self.checked, self.violations, self.lastViolation) = (name, severity, checked, violations, lastViolation)
    }
}

/// `GET /arbiter/status`.
public struct ArbiterStatus: Codable, Sendable, Equatable {
    public var mode: ArbiterMode
    public var invariants: [ArbiterInvariantStatus]
    public init(mode: ArbiterMode, invariants: [ArbiterInvariantStatus]) {
        self.mode = mode
        self.invariants = invariants
    }
}

/// `POST /arbiter/mode`.
public struct ArbiterModeRequest: Codable, Sendable, Equatable {
    public var mode: ArbiterMode
    public init(mode: ArbiterMode) { self.mode = mode }
}
