import PortDaddyAPI

/// A project's `pd-fleet.yml`: agents that wake on a channel message or a cron schedule, within limits and a daily
/// budget. This is the validated model; running it is the daemon's job.
public struct FleetConfig: Sendable, Equatable {
    /// The fleet's name (one identity segment).
    public var name: String
    /// The harbor its agents join, a template (default `{project}:fleet`).
    public var harbor: String
    public var limits: Limits
    public var defaults: Defaults
    /// In file order; names are unique.
    public var agents: [Agent]
    public var actors: [Actor]
    public var channels: [Channel]

    /// The default harbor template.
    public static let defaultHarbor = "{project}:fleet"

    /// `fleet.limits`: absent values are unlimited (the wallet still caps spend).
    public struct Limits: Sendable, Equatable {
        public var maxConcurrentSpawns: Int?
        public var maxSpawnsPerHour: Int?
        public var budgetUsdPerDayMicros: Int64?
    }

    /// `fleet.defaults`: what an agent without its own value uses.
    public struct Defaults: Sendable, Equatable {
        public var backend: String?
        public var model: String?
        public var budgetMicros: Int64?
        public var timeoutSeconds: Double?
    }

    /// How an agent's pending wakes queue while it runs or waits on limits.
    public enum QueueMode: String, Sendable, Equatable, CaseIterable {
        /// Further triggers merge into one pending wake (the default).
        case collapse
        /// One run per message, at most `max_queue` waiting.
        case fifo
    }

    /// One fleet agent, with the defaults already applied.
    public struct Agent: Sendable, Equatable {
        /// Unique in the fleet: the map key, else derived (name > identity > first prompt words > backend).
        public var name: String
        /// A channel or channel pattern, or `mailbox` (its actor's mailbox).
        public var trigger: String?
        public var schedule: CronSchedule?
        public var backend: String
        public var model: String?
        /// The prompt template (`{project} {branch} {fleet} {agent} {channel} {message} {sender} {message_id}`).
        public var prompt: String
        public var budgetMicros: Int64?
        public var timeoutSeconds: Double?
        public var queue: QueueMode
        public var maxQueue: Int?
        /// The channel `on_success: publish CHANNEL` publishes to.
        public var onSuccess: String?
        /// The channel `on_failure: publish CHANNEL` publishes to.
        public var onFailure: String?
        public var actor: String?
        public var identity: String?
        /// Run once at boot for a schedule missed while the daemon was down.
        public var catchUp: Bool
    }

    /// `fleet.actors.NAME`: a persona a fleet agent can embody.
    public struct Actor: Sendable, Equatable {
        public var name: String
        public var display: String?
        public var aliases: [String]
        public var description: String?
    }

    /// `fleet.channels.NAME`: a declared channel and the agents that consume it.
    public struct Channel: Sendable, Equatable {
        public var name: String
        public var description: String?
        public var consumers: [String]
    }
}

/// One problem in a `pd-fleet.yml`, with its YAML path (`fleet.agents.qa.schedule`).
public struct FleetProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Errors make the file invalid; warnings (a trigger/publish cycle) do not.
    public enum Severity: String, Sendable, Equatable, Codable {
        case error
        case warning
    }

    public var severity: Severity
    public var path: String
    public var message: String

    public init(_ severity: Severity, _ path: String, _ message: String) {
        self.severity = severity
        self.path = path
        self.message = message
    }

    /// `path: message`, with `warning: ` in front of warnings.
    public var description: String { (severity == .warning ? "warning: " : "") + "\(path): \(message)" }
}

/// What validating a `pd-fleet.yml` found: the model when there is no error, and every problem.
public struct FleetValidation: Sendable, Equatable {
    /// Nil when any problem is an error.
    public var config: FleetConfig?
    /// Errors and warnings, section by section (name, harbor, limits, defaults, agents, actors, channels), cycles last.
    public var problems: [FleetProblem]
    public var errors: [FleetProblem] { problems.filter { $0.severity == .error } }
    public var warnings: [FleetProblem] { problems.filter { $0.severity == .warning } }
}
