import GRDB
import PortDaddyAPI

/// Which events of a counter to aggregate: those at or after `since` (ms) whose run matches every filter.
public struct MetricQuery: Sendable, Equatable {
    public var key: MetricKey
    public var since: Int64
    public var filters: [MetricFilter]

    public init(key: MetricKey, since: Int64, filters: [MetricFilter] = []) {
        self.key = key
        self.since = since
        self.filters = filters
    }
}

/// `dimension` equals `value` (`backend:codex`).
public struct MetricFilter: Sendable, Equatable {
    public var dimension: MetricDimension
    public var value: String

    public init(dimension: MetricDimension, value: String) {
        self.dimension = dimension
        self.value = value
    }
}

/// How a metric query's events are grouped.
public enum MetricGrouping: Sendable, Equatable {
    /// One row for everything.
    case total
    /// One row per time bucket of this many milliseconds.
    case bucket(millis: Int64)
    /// One row per value of a dimension.
    case dimension(MetricDimension)
}

/// One group of a metric query: its bucket start or dimension value, how many events, their summed value.
public struct MetricRow: Sendable, Equatable {
    public var bucket: Int64?
    public var value: String?
    public var count: Int64
    public var sum: Int64

    public init(bucket: Int64? = nil, value: String? = nil, count: Int64, sum: Int64) {
        self.bucket = bucket
        self.value = value
        self.count = count
        self.sum = sum
    }
}

/// The run metrics' reads: aggregates over the durable `runs` and `cost_events` tables, never a separate counter
/// that could drift from them.
public protocol RunMetricsStore: Sendable {
    /// The query's events aggregated by `grouping` (buckets oldest first; dimension values in no set order).
    func metricRows(_ query: MetricQuery, grouping: MetricGrouping) throws(PortDaddyError) -> [MetricRow]
    /// What the running runs of `project` (every project when nil) may still spend: Σ max(budget − cost, 0).
    func reservedMicros(project: String?) throws(PortDaddyError) -> Int64
}

extension SQLiteStore: RunMetricsStore {
    public func metricRows(_ query: MetricQuery, grouping: MetricGrouping) throws(PortDaddyError) -> [MetricRow] {
        let source = MetricSQL(query.key)
        var conditions = ["\(source.time) >= ?"] + source.conditions
        var arguments: [any DatabaseValueConvertible] = [query.since]
        for filter in query.filters {
            conditions.append("\(source.column(filter.dimension)) = ?")
            arguments.append(filter.dimension == .project ? filter.value.lowercased() : filter.value)
        }
        let group: String
        switch grouping {
        case .total: group = "NULL"
        case .bucket(let millis):
            group = "(\(source.time) / ?) * ?"
            arguments.insert(contentsOf: [millis, millis], at: 0)
        case .dimension(let dimension): group = source.column(dimension)
        }
        let sql = """
            SELECT \(group) AS grp, COUNT(*) AS n, COALESCE(SUM(\(source.value)), 0) AS total
            FROM \(source.tables) WHERE \(conditions.joined(separator: " AND "))
            \(grouping == .total ? "" : "GROUP BY grp ORDER BY grp")
            """
        return try guardedRead { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                switch grouping {
                case .total: MetricRow(count: row["n"], sum: row["total"])
                case .bucket: MetricRow(bucket: row["grp"], count: row["n"], sum: row["total"])
                case .dimension: MetricRow(value: row["grp"] ?? "", count: row["n"], sum: row["total"])
                }
            }
        }
    }

    public func reservedMicros(project: String?) throws(PortDaddyError) -> Int64 {
        var sql = "SELECT COALESCE(SUM(MAX(r.budget_micros - r.cost_micros, 0)), 0) FROM runs r WHERE r.state IN ('starting', 'running')"
        var arguments: [any DatabaseValueConvertible] = []
        if let project {
            sql += " AND \(MetricSQL.project) = ?"
            arguments.append(project.lowercased())
        }
        return try guardedRead { db in try Int64.fetchOne(db, sql: sql, arguments: StatementArguments(arguments)) ?? 0 }
    }
}

/// The SQL of one counter: where its events live, their time, their value and the run dimensions (fixed
/// expressions chosen by enum; every caller-supplied value is a bound argument).
struct MetricSQL {
    var tables: String
    var time: String
    var value: String
    var conditions: [String]
    let costEvents: Bool

    /// A run's project: its identity's first segment, lower-cased; `""` without an identity.
    static let project = """
        lower(CASE WHEN r.identity IS NULL THEN '' WHEN instr(r.identity, ':') > 0
            THEN substr(r.identity, 1, instr(r.identity, ':') - 1) ELSE r.identity END)
        """

    init(_ key: MetricKey) {
        costEvents = key.countsCostEvents
        tables = costEvents ? "cost_events e JOIN runs r ON r.id = e.run" : "runs r"
        time = costEvents ? "e.at" : key == .started ? "r.created_at" : "r.ended_at"
        conditions = []
        value = "1"
        switch key {
        case .started: break
        case .ended: conditions = ["r.ended_at IS NOT NULL"]
        case .completed: conditions = ["r.ended_at IS NOT NULL", "r.state = 'succeeded'"]
        case .failed: conditions = ["r.ended_at IS NOT NULL", "r.state IN ('failed', 'killed', 'lost')"]
        case .durationMillis:
            conditions = ["r.ended_at IS NOT NULL", "r.started_at IS NOT NULL"]
            value = "r.ended_at - r.started_at"
        case .cost: value = "e.micros"
        case .tokens: value = "e.input_tokens + e.output_tokens"
        }
    }

    func column(_ dimension: MetricDimension) -> String {
        switch dimension {
        case .backend: "r.backend"
        case .model: costEvents ? "COALESCE(e.model, r.model, '')" : "COALESCE(r.model, '')"
        case .project: Self.project
        case .state: "r.state"
        }
    }
}
