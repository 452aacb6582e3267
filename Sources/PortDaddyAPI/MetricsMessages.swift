/// A counter of the run metrics, computed from the durable runs and cost events (`GET /metrics/counters?key=`).
public enum MetricKey: String, Codable, Sendable, CaseIterable {
    /// Runs launched, at their creation; `sum` = `count`.
    case started = "spawn.started"
    /// Runs that reached a final state, at their end; `sum` = `count`.
    case ended = "spawn.ended"
    /// Runs that ended `succeeded`; `sum` = `count`.
    case completed = "spawn.completed"
    /// Runs that ended `failed`, `killed` or `lost`; `sum` = `count`.
    case failed = "spawn.failed"
    /// Ended runs that had started, at their end; `sum` = their total run time in milliseconds.
    case durationMillis = "spawn.duration_ms"
    /// Cost events; `sum` = micro-dollars.
    case cost = "spawn.cost"
    /// Cost events; `sum` = input + output tokens.
    case tokens = "spawn.tokens"

    /// Whether the counter counts cost events (else runs).
    public var countsCostEvents: Bool { self == .cost || self == .tokens }
}

/// What a metric can be filtered (`dim=backend:codex`) or grouped (`/metrics/counters/top?dim=backend`) by.
/// A run without an identity has project `""`, one without a model model `""`.
public enum MetricDimension: String, Codable, Sendable, CaseIterable {
    case backend, model, project, state
}

/// How `/metrics/counters` buckets its series (`groupBy`); buckets start at multiples of their size since 1970 (UTC).
public enum MetricBucket: String, Codable, Sendable, CaseIterable {
    case minute, hour, day

    /// The bucket's size in milliseconds.
    public var millis: Int64 {
        switch self {
        case .minute: 60_000
        case .hour: 3_600_000
        case .day: 86_400_000
        }
    }
}

/// One bucket of a counter's series: its start (ms since 1970), how many events and their summed value.
public struct MetricPoint: Codable, Sendable, Equatable {
    public var bucket: Int64
    public var count: Int64
    public var sum: Int64

    public init(bucket: Int64, count: Int64, sum: Int64) {
        self.bucket = bucket
        self.count = count
        self.sum = sum
    }
}

/// `GET /metrics/counters`: the non-empty buckets, oldest first.
public struct MetricSeriesResponse: Codable, Sendable, Equatable {
    public var key: MetricKey
    public var groupBy: MetricBucket
    /// The window's start (ms since 1970).
    public var since: Int64
    public var series: [MetricPoint]

    public init(key: MetricKey, groupBy: MetricBucket, since: Int64, series: [MetricPoint]) {
        self.key = key
        self.groupBy = groupBy
        self.since = since
        self.series = series
    }
}

/// One value of a dimension and how much of a counter it holds.
public struct MetricShare: Codable, Sendable, Equatable {
    public var value: String
    public var count: Int64
    public var sum: Int64

    public init(value: String, count: Int64, sum: Int64) {
        self.value = value
        self.count = count
        self.sum = sum
    }
}

/// `GET /metrics/counters/top`: the dimension's values with the largest sums (then counts), largest first.
public struct MetricTopResponse: Codable, Sendable, Equatable {
    public var key: MetricKey
    public var dim: MetricDimension
    public var since: Int64
    public var top: [MetricShare]

    public init(key: MetricKey, dim: MetricDimension, since: Int64, top: [MetricShare]) {
        self.key = key
        self.dim = dim
        self.since = since
        self.top = top
    }
}

/// `GET /metrics/golden?window=`: the run system's rate, errors, duration and spend over the window.
public struct GoldenSignals: Codable, Sendable, Equatable {
    public var windowSeconds: Double
    /// Runs launched per minute.
    public var ratePerMin: Double
    /// Of the runs that ended in the window, the percentage that failed, were killed or lost (0 when none ended).
    public var errorPct: Double
    /// The mean run time of the runs that ended in the window (0 when none ended).
    public var avgDurationMs: Double
    /// The window's spend scaled to one hour (rounded down to the micro-dollar).
    public var costPerHour: MoneyAmount
    public var started: Int64
    public var ended: Int64
    public var failed: Int64

    public init(
        windowSeconds: Double, ratePerMin: Double, errorPct: Double, avgDurationMs: Double, costPerHour: MoneyAmount, started: Int64,
        ended: Int64, failed: Int64
    ) {
        self.windowSeconds = windowSeconds
        self.ratePerMin = ratePerMin
        self.errorPct = errorPct
        self.avgDurationMs = avgDurationMs
        self.costPerHour = costPerHour
        self.started = started
        self.ended = ended
        self.failed = failed
    }
}

/// Money spent and runs launched, in all or for one value of a dimension.
public struct CostShare: Codable, Sendable, Equatable {
    /// The project, backend or model (absent in the totals).
    public var value: String?
    public var micros: Int64
    public var usd: String
    /// Runs launched in the window.
    public var spawns: Int64
    /// Input + output tokens used in the window.
    public var tokens: Int64

    public init(value: String?, micros: Int64, spawns: Int64, tokens: Int64) {
        self.value = value
        self.micros = micros
        self.usd = MoneyAmount(micros: micros).usd
        self.spawns = spawns
        self.tokens = tokens
    }
}

/// `GET /metrics/cost?since=`: the money the cost events of the window add up to, in all and by project, backend
/// and model (largest first), with the runs launched in the window.
public struct CostReport: Codable, Sendable, Equatable {
    public var since: Int64
    public var totals: CostShare
    public var byProject: [CostShare]
    public var byBackend: [CostShare]
    public var byModel: [CostShare]

    public init(since: Int64, totals: CostShare, byProject: [CostShare], byBackend: [CostShare], byModel: [CostShare]) {
        self.since = since
        self.totals = totals
        self.byProject = byProject
        self.byBackend = byBackend
        self.byModel = byModel
    }
}

/// `GET /metrics/cost/budget/{project}?budgetUsdPerDay=`: a project's day against a daily ceiling.
public struct BudgetCheck: Codable, Sendable, Equatable {
    public var project: String
    /// Spent since local midnight.
    public var spentToday: MoneyAmount
    /// What the project's running runs may still spend: Σ (budget − cost so far).
    public var reserved: MoneyAmount
    /// The daily ceiling asked about.
    public var allowance: MoneyAmount
    /// allowance − spentToday − reserved, never below zero.
    public var remaining: MoneyAmount
    /// Whether spentToday + reserved passes the allowance.
    public var overBudget: Bool

    public init(project: String, spentToday: MoneyAmount, reserved: MoneyAmount, allowance: MoneyAmount) {
        self.project = project
        self.spentToday = spentToday
        self.reserved = reserved
        self.allowance = allowance
        let left = allowance.micros - spentToday.micros - reserved.micros
        self.remaining = MoneyAmount(micros: max(left, 0))
        self.overBudget = left < 0
    }
}

/// One cost event as `/metrics/cost/recent` shows it.
public struct CostEventInfo: Codable, Sendable, Equatable {
    public var run: String
    public var at: Int64
    public var model: String?
    public var tokens: TokenCounts
    public var micros: Int64
    public var usd: String
    /// `backend`, `rates` or `report`.
    public var source: String

    public init(run: String, at: Int64, model: String?, tokens: TokenCounts, micros: Int64, source: String) {
        self.run = run
        self.at = at
        self.model = model
        self.tokens = tokens
        self.micros = micros
        self.usd = MoneyAmount(micros: micros).usd
        self.source = source
    }
}

/// `GET /metrics/cost/recent?limit=`: the newest cost events first.
public struct RecentCostResponse: Codable, Sendable, Equatable {
    public var events: [CostEventInfo]
    public init(events: [CostEventInfo]) { self.events = events }
}

/// The agent runs part of `GET /status`: what runs now and what today cost.
public struct RunsStatus: Codable, Sendable, Equatable {
    /// Runs starting or running.
    public var running: Int
    /// Their display names.
    public var names: [String]
    /// Spent since local midnight, every project.
    public var spentToday: MoneyAmount
    /// Runs over their project's allowance, waiting on the user (`pd wallet pending`).
    public var pendingKills: Int?
    /// The panic switch fired: nothing spawns.
    public var panicked: Bool?

    public init(running: Int, names: [String], spentToday: MoneyAmount, pendingKills: Int? = nil, panicked: Bool? = nil) {
        self.pendingKills = pendingKills
        self.panicked = panicked
        self.running = running
        self.names = names
        self.spentToday = spentToday
    }
}
