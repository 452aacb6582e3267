/// One agent of a running fleet, as `GET /fleet` shows it.
public struct FleetAgentInfo: Codable, Sendable, Equatable {
    public var name: String
    /// `idle`, `queued`, `running` or `rate_limited`.
    public var status: String
    /// Messages (and schedule fires) waiting, collapsed ones counted.
    public var queueDepth: Int
    public var lastRun: String?
    /// The next schedule fire (milliseconds since 1970).
    public var nextSchedule: Int64?
    /// Wakes dropped because a `fifo` queue was full.
    public var dropped: Int
    /// What the agent's runs (its identity) spent since local midnight, from their cost events.
    public var spendToday: MoneyAmount?

    public init(
        name: String, status: String, queueDepth: Int, lastRun: String?, nextSchedule: Int64?, dropped: Int, spendToday: MoneyAmount? = nil
    ) {
        self.spendToday = spendToday
        self.name = name
        self.status = status
        self.queueDepth = queueDepth
        self.lastRun = lastRun
        self.nextSchedule = nextSchedule
        self.dropped = dropped
    }
}

/// A project's fleet.
public struct FleetInfo: Codable, Sendable, Equatable {
    public var project: String
    public var name: String
    /// The folder holding its `pd-fleet.yml`.
    public var path: String
    /// `running`, `invalid` when the file changed into something invalid (the last valid definition keeps running), or
    /// `stopped` for an enabled fleet the daemon could not start (its `problems` say why).
    public var state: String
    public var agents: [FleetAgentInfo]
    /// Why the file on disk is invalid (state `invalid`).
    public var problems: [String]?
    /// `daemon` when enabled (started again at every daemon start), `attached` when started by `pd fleet up`.
    public var mode: String?

    public init(
        project: String, name: String, path: String, state: String, agents: [FleetAgentInfo], problems: [String]? = nil, mode: String? = nil
    ) {
        self.mode = mode
        self.problems = problems
        self.project = project
        self.name = name
        self.path = path
        self.state = state
        self.agents = agents
    }
}

/// `GET /fleet`.
public struct FleetsResponse: Codable, Sendable, Equatable {
    public var panicked: Bool
    public var fleets: [FleetInfo]
    public init(panicked: Bool, fleets: [FleetInfo]) {
        self.panicked = panicked
        self.fleets = fleets
    }
}

/// `POST /fleet/reload`: what a look at every fleet file found.
public struct FleetReloadResponse: Codable, Sendable, Equatable {
    public var reloaded: [String]
    public var invalid: [String]
    public var stopped: [String]
    public init(reloaded: [String], invalid: [String], stopped: [String]) {
        self.reloaded = reloaded
        self.invalid = invalid
        self.stopped = stopped
    }
}

/// `POST /fleet/{project}/up`: the folder of the `pd-fleet.yml` (absolute, resolved by the CLI) and the environment
/// its agents run with (the caller's, as `pd spawn` sends it; its `PATH` finds their programs).
public struct FleetUpRequest: Codable, Sendable, Equatable {
    public var path: String
    public var env: [String: String]?
    public init(path: String, env: [String: String]?) {
        self.path = path
        self.env = env
    }
}
