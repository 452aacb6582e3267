/// Channels the fleet supervisor publishes on.
public enum FleetChannels {
    /// Fleet lifecycle events (`fleet.started`, `agent.queued`, …).
    public static let events = "fleet:events"
}

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
    /// Why the last launch was refused, while the agent's wake waits on it (e.g. `BUDGET_EXCEEDED`).
    public var refused: String?
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
    /// `attached` (a foreground `pd fleet up` follows it: it stops when that ends) or `daemon` (run by the daemon:
    /// `pd fleet up -d` / `enable`, which also starts it again at every daemon start, or `--background`).
    public var mode: String?
    /// Only in the answer to an attached `up`: the key its follower passes to `GET /fleet/events?attach=`.
    public var attachToken: String?

    public init(
        project: String, name: String, path: String, state: String, agents: [FleetAgentInfo], problems: [String]? = nil, mode: String? = nil
    ) {
        self.problems = problems
        self.mode = mode
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
    /// A foreground run: the fleet stops when the follower of `GET /fleet/events?attach=` goes away.
    public var attached: Bool?
    public init(path: String, env: [String: String]?, attached: Bool? = nil) {
        self.path = path
        self.env = env
        self.attached = attached
    }
}

/// `GET /fleet/config/{project}`: the fleet's file as it is on disk now.
public struct FleetConfigFile: Codable, Sendable, Equatable {
    public var project: String
    public var path: String
    public var yaml: String
    /// SHA-256 (hex) of the file's bytes: send it back as `If-Match` to write it.
    public var sha256: String
    /// Problems of the file on disk, with their YAML paths (warnings included); empty when it is clean.
    public var problems: [String]

    public init(project: String, path: String, yaml: String, sha256: String, problems: [String]) {
        self.project = project
        self.path = path
        self.yaml = yaml
        self.sha256 = sha256
        self.problems = problems
    }
}

/// `PUT /fleet/config/{project}` (with `If-Match: <sha256>`).
public struct FleetConfigWrite: Codable, Sendable, Equatable {
    public var yaml: String
    public init(yaml: String) { self.yaml = yaml }
}

/// The fleet figures of `GET /status`.
public struct FleetStatusFigures: Codable, Sendable, Equatable {
    /// Fleets running (including invalid ones, which keep their last valid definition).
    public var fleets: Int
    /// Fleets whose file on disk is invalid.
    public var invalid: Int
    /// Fleet agents with a run going.
    public var agentsRunning: Int
    /// Wakes waiting, over every fleet agent.
    public var queued: Int
    public init(fleets: Int, invalid: Int, agentsRunning: Int, queued: Int) {
        self.fleets = fleets
        self.invalid = invalid
        self.agentsRunning = agentsRunning
        self.queued = queued
    }
}
