import Foundation
import PortDaddyAPI
import PortDaddyCore

/// The run metrics: counters, golden signals and cost, each computed when asked from the durable runs and cost
/// events (so they are exact, survive restarts and cannot drift from what `pd spawned` shows). Windows end now.
public struct RunMetrics: Sendable {
    let store: any RunMetricsStore & RunStore
    let clock: any WallClock

    public init(store: any RunMetricsStore & RunStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// The start of a window of `seconds` that ends now.
    func start(_ seconds: Double) -> Int64 { clock.nowMillis() - Int64(seconds * 1000) }

    /// A counter in time buckets over the last `seconds`, counting only runs that match every filter.
    public func series(_ key: MetricKey, by bucket: MetricBucket, seconds: Double, filters: [MetricFilter]) throws(PortDaddyError)
        -> MetricSeriesResponse
    {
        let since = start(seconds)
        let rows = try store.metricRows(MetricQuery(key: key, since: since, filters: filters), grouping: .bucket(millis: bucket.millis))
        return MetricSeriesResponse(
            key: key, groupBy: bucket, since: since, series: rows.map { MetricPoint(bucket: $0.bucket ?? 0, count: $0.count, sum: $0.sum) })
    }

    /// The `limit` values of `dimension` holding the most of a counter over the last `seconds` (largest sum, then count).
    public func top(_ key: MetricKey, by dimension: MetricDimension, limit: Int, seconds: Double) throws(PortDaddyError) -> MetricTopResponse {
        let since = start(seconds)
        let rows = try store.metricRows(MetricQuery(key: key, since: since), grouping: .dimension(dimension))
        let top = rows.map { MetricShare(value: $0.value ?? "", count: $0.count, sum: $0.sum) }
            .sorted { ($0.sum, $0.count, $1.value) > ($1.sum, $1.count, $0.value) }
        return MetricTopResponse(key: key, dim: dimension, since: since, top: Array(top.prefix(limit)))
    }

    /// Rate, errors, duration and spend over the last `seconds`.
    public func golden(seconds: Double) throws(PortDaddyError) -> GoldenSignals {
        let since = start(seconds)
        func total(_ key: MetricKey) throws(PortDaddyError) -> MetricRow {
            try store.metricRows(MetricQuery(key: key, since: since), grouping: .total).first ?? MetricRow(count: 0, sum: 0)
        }
        let started = try total(.started).count
        let ended = try total(.ended).count
        let failed = try total(.failed).count
        let duration = try total(.durationMillis)
        let spent = try total(.cost).sum
        let windowMillis = max(Int64(seconds * 1000), 1)
        return GoldenSignals(
            windowSeconds: seconds, ratePerMin: Double(started) / (seconds / 60),
            errorPct: ended == 0 ? 0 : Double(failed) * 100 / Double(ended),
            avgDurationMs: duration.count == 0 ? 0 : Double(duration.sum) / Double(duration.count),
            costPerHour: MoneyAmount(micros: Self.scaled(spent, per: windowMillis, to: 3_600_000)), started: started, ended: ended,
            failed: failed)
    }

    /// `value × to / per`, rounded down, without overflowing on large spends.
    static func scaled(_ value: Int64, per: Int64, to: Int64) -> Int64 {
        let (product, overflow) = value.multipliedReportingOverflow(by: to)
        return overflow ? value / per * to : product / per
    }

    /// Spend over the last `seconds` (the window's cost events), in all and by project, backend and model, with the
    /// runs launched in the window.
    public func cost(seconds: Double) throws(PortDaddyError) -> CostReport {
        let since = start(seconds)
        func shares(_ grouping: MetricGrouping) throws(PortDaddyError) -> [CostShare] {
            let money = try store.metricRows(MetricQuery(key: .cost, since: since), grouping: grouping)
            let tokens = try store.metricRows(MetricQuery(key: .tokens, since: since), grouping: grouping)
            let spawns = try store.metricRows(MetricQuery(key: .started, since: since), grouping: grouping)
            var values: [String?] = []
            for row in money + tokens + spawns where !values.contains(row.value) { values.append(row.value) }
            return values.map { value in
                CostShare(
                    value: value, micros: money.first { $0.value == value }?.sum ?? 0, spawns: spawns.first { $0.value == value }?.count ?? 0,
                    tokens: tokens.first { $0.value == value }?.sum ?? 0)
            }
            .sorted { ($0.micros, $0.spawns, $1.value ?? "") > ($1.micros, $1.spawns, $0.value ?? "") }
        }
        return CostReport(
            since: since, totals: try shares(.total).first ?? CostShare(value: nil, micros: 0, spawns: 0, tokens: 0),
            byProject: try shares(.dimension(.project)), byBackend: try shares(.dimension(.backend)), byModel: try shares(.dimension(.model)))
    }

    /// A project's spend today and what its running runs may still spend, against a daily ceiling in USD.
    public func budget(project: String, ceilingUsd: String) throws(PortDaddyError) -> BudgetCheck {
        let allowance = try Money.micros(parsing: ceilingUsd, field: "budgetUsdPerDay")
        guard allowance > 0 else { throw .invalidRequest("budgetUsdPerDay must be more than 0") }
        return BudgetCheck(
            project: project.lowercased(), spentToday: try spentToday(project: project),
            reserved: MoneyAmount(micros: try store.reservedMicros(project: project)), allowance: MoneyAmount(micros: allowance))
    }

    /// Spent since local midnight, by one project or all.
    public func spentToday(project: String? = nil) throws(PortDaddyError) -> MoneyAmount {
        let filters = project.map { [MetricFilter(dimension: .project, value: $0)] } ?? []
        let row = try store.metricRows(MetricQuery(key: .cost, since: startOfToday(), filters: filters), grouping: .total).first
        return MoneyAmount(micros: row?.sum ?? 0)
    }

    /// The newest `limit` cost events.
    public func recent(limit: Int) throws(PortDaddyError) -> RecentCostResponse {
        RecentCostResponse(events: try store.costEvents(since: 0, limit: limit))
    }

    /// Local midnight of today, in ms since 1970.
    func startOfToday() -> Int64 {
        let now = Date(timeIntervalSince1970: Double(clock.nowMillis()) / 1000)
        return Int64(Calendar.current.startOfDay(for: now).timeIntervalSince1970 * 1000)
    }
}
