import Foundation
import PortDaddyAPI
import PortDaddyCore
import Synchronization
import Testing

@testable import PortDaddyRuns

/// The run metrics against a real SQLite store holding runs and cost events written at chosen times.
@Suite("Run metrics")
struct RunMetricsTests {
    final class FixedClock: WallClock {
        let now: Int64
        init(_ now: Int64) { self.now = now }
        func nowMillis() -> Int64 { now }
    }

    /// 2026-01-02 00:00 UTC plus 12 hours: every fixture time below is before it.
    static let now: Int64 = 1_767_312_000_000 + 43_200_000
    static let minute: Int64 = 60_000

    let dir: String
    let store: SQLiteStore
    let metrics: RunMetrics

    init() throws {
        dir = NSTemporaryDirectory() + "pd-metrics-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        store = try SQLiteStore(path: dir + "/registry.sqlite")
        metrics = RunMetrics(store: store, clock: FixedClock(Self.now))
    }

    /// A run created `ago` minutes before now that ran `minutes` minutes (nil: still running), with cost events.
    func run(
        _ id: String, backend: String = "custom", model: String? = nil, identity: String? = nil, state: RunState, ago: Int64, minutes: Int64?,
        budget: Int64 = 1_000_000, costs: [(micros: Int64, input: Int64, output: Int64)] = []
    ) throws {
        let created = Self.now - ago * Self.minute
        let ended = minutes.map { created + $0 * Self.minute }
        let total = costs.reduce(0) { $0 + $1.micros }
        try store.saveRun(
            RunInfo(
                id: id, name: "Run " + id, backend: backend, model: model, identity: identity, harbor: nil, agentID: "agent-" + id,
                sessionID: nil, sortieID: nil, pid: nil, state: state, reason: nil, exitCode: nil, signal: nil,
                budget: MoneyAmount(micros: budget), cost: MoneyAmount(micros: total), tokens: TokenCounts(), telemetry: .reported,
                createdAt: created, startedAt: created, endedAt: ended))
        for (i, cost) in costs.enumerated() {
            try store.addCostEvent(
                CostEventInfo(
                    run: id, at: created + Int64(i), model: model, tokens: TokenCounts(input: cost.input, output: cost.output),
                    micros: cost.micros, source: "report"))
        }
    }

    @Test("counters bucket runs by minute, filter by dimension, and sum cost and tokens from the cost events")
    func counters() throws {
        try run(
            "a", backend: "codex", model: "m1", identity: "shop:web", state: .succeeded, ago: 10, minutes: 2, costs: [(1_500, 10, 5), (2_000, 20, 1)])
        try run("b", backend: "codex", identity: "shop:api", state: .failed, ago: 10, minutes: 1, costs: [(700, 3, 4)])
        try run("c", backend: "custom", identity: "blog", state: .killed, ago: 3, minutes: 1)
        try run("d", state: .running, ago: 1, minutes: nil, costs: [(11, 1, 1)])
        try run("old", state: .lost, ago: 3 * 24 * 60, minutes: 1)

        let started = try metrics.series(.started, by: .minute, seconds: 86400, filters: [])
        #expect(started.series.map(\.count) == [2, 1, 1])
        #expect(started.series.map(\.bucket) == [Self.now - 10 * Self.minute, Self.now - 3 * Self.minute, Self.now - Self.minute])
        #expect(try metrics.series(.started, by: .day, seconds: 86400, filters: []).series.map(\.count) == [4])
        #expect(try metrics.series(.started, by: .day, seconds: 7 * 86400, filters: []).series.map(\.count) == [1, 4])
        #expect(try metrics.series(.failed, by: .hour, seconds: 86400, filters: []).series.map(\.count) == [2])
        #expect(try metrics.series(.ended, by: .hour, seconds: 86400, filters: []).series.map(\.count) == [3])
        #expect(try metrics.series(.completed, by: .hour, seconds: 86400, filters: []).series.map(\.count) == [1])
        let duration = try metrics.series(.durationMillis, by: .hour, seconds: 86400, filters: []).series
        #expect(duration.map(\.sum) == [4 * Self.minute])
        let cost = try metrics.series(.cost, by: .hour, seconds: 86400, filters: [])
        #expect(cost.series.map(\.sum) == [4_211] && cost.series.map(\.count) == [4])
        #expect(try metrics.series(.tokens, by: .hour, seconds: 86400, filters: []).series.map(\.sum) == [36 + 7 + 2])

        let codex = [MetricFilter(dimension: .backend, value: "codex")]
        #expect(try metrics.series(.started, by: .hour, seconds: 86400, filters: codex).series.map(\.count) == [2])
        let shopFailed = [MetricFilter(dimension: .project, value: "SHOP"), MetricFilter(dimension: .state, value: "failed")]
        #expect(try metrics.series(.cost, by: .hour, seconds: 86400, filters: shopFailed).series.map(\.sum) == [700])
        #expect(
            try metrics.series(.cost, by: .hour, seconds: 86400, filters: [MetricFilter(dimension: .model, value: "m1")]).series.map(\.sum) == [3_500]
        )

        let top = try metrics.top(.started, by: .project, limit: 2, seconds: 86400)
        #expect(top.top == [MetricShare(value: "shop", count: 2, sum: 2), MetricShare(value: "", count: 1, sum: 1)])
        #expect(try metrics.top(.cost, by: .backend, limit: 5, seconds: 86400).top.map(\.value) == ["codex", "custom"])
    }

    @Test("golden signals: launch rate, error percentage of the runs that ended, mean duration, spend per hour")
    func golden() throws {
        try run("a", state: .succeeded, ago: 50, minutes: 2, costs: [(600_000, 1, 1)])
        try run("b", state: .failed, ago: 40, minutes: 4)
        try run("c", state: .killed, ago: 30, minutes: 6)
        try run("d", state: .running, ago: 20, minutes: nil)
        try run("e", state: .succeeded, ago: 90, minutes: 1)
        let golden = try metrics.golden(seconds: 3600)
        #expect(golden.started == 4 && golden.ended == 3 && golden.failed == 2)
        #expect(golden.ratePerMin == 4.0 / 60)
        #expect(golden.errorPct == Double(2) * 100 / Double(3))
        #expect(golden.avgDurationMs == Double(12 * Self.minute) / 3)
        #expect(golden.costPerHour == MoneyAmount(micros: 600_000))
        #expect(try metrics.golden(seconds: 1800).costPerHour == MoneyAmount(micros: 0))
        let empty = try metrics.golden(seconds: 60)
        #expect(empty.errorPct == 0 && empty.avgDurationMs == 0 && empty.started == 0)
    }

    @Test("cost: totals and shares by project, backend and model add up to the runs' costs")
    func cost() throws {
        try run(
            "a", backend: "codex", model: "m1", identity: "shop:web", state: .succeeded, ago: 10, minutes: 2, costs: [(1_500, 10, 5), (2_000, 20, 1)])
        try run("b", backend: "custom", identity: "blog", state: .failed, ago: 5, minutes: 1, costs: [(700, 3, 4)])
        try run("c", backend: "custom", state: .running, ago: 2, minutes: nil)
        let report = try metrics.cost(seconds: 86400)
        #expect(report.totals == CostShare(value: nil, micros: 4_200, spawns: 3, tokens: 43))
        #expect(report.totals.usd == "0.004200")
        #expect(report.byProject.map(\.value) == ["shop", "blog", ""])
        #expect(report.byProject.map(\.micros) == [3_500, 700, 0])
        #expect(
            report.byBackend == [
                CostShare(value: "codex", micros: 3_500, spawns: 1, tokens: 36), CostShare(value: "custom", micros: 700, spawns: 2, tokens: 7),
            ])
        #expect(report.byModel.reduce(0) { $0 + $1.micros } == 4_200)
    }

    @Test("budget: today's spend and what running runs may still spend, against a ceiling")
    func budget() throws {
        try run("a", identity: "shop:web", state: .succeeded, ago: 30, minutes: 2, costs: [(300_000, 1, 1)])
        try run("b", identity: "shop:api", state: .running, ago: 5, minutes: nil, budget: 500_000, costs: [(100_000, 1, 1)])
        try run("c", identity: "blog", state: .running, ago: 5, minutes: nil, budget: 900_000)
        let check = try metrics.budget(project: "shop", ceilingUsd: "1")
        #expect(check.spentToday == MoneyAmount(micros: 400_000))
        #expect(check.reserved == MoneyAmount(micros: 400_000))
        #expect(check.allowance == MoneyAmount(micros: 1_000_000))
        #expect(check.remaining == MoneyAmount(micros: 200_000) && !check.overBudget)
        let tight = try metrics.budget(project: "shop", ceilingUsd: "0.5")
        #expect(tight.remaining.micros == 0 && tight.overBudget)
        #expect(throws: PortDaddyError.self) { try metrics.budget(project: "shop", ceilingUsd: "0") }
        #expect(try metrics.spentToday() == MoneyAmount(micros: 400_000))
        #expect(try metrics.recent(limit: 1).events.map(\.micros) == [100_000])
    }
}

extension RunMetricsTests {
    @Test("saving a run again (each usage update, the end) updates its row in place and keeps its cost events")
    func resaveKeepsCostEvents() throws {
        try run("a", state: .running, ago: 5, minutes: nil, costs: [(250_000, 10, 2)])
        var stored = try #require(try store.run("a"))
        stored.state = .succeeded
        stored.endedAt = Self.now
        try store.saveRun(stored)
        #expect(try store.run("a")?.state == .succeeded)
        #expect(try metrics.cost(seconds: 3600).totals.micros == 250_000)
        #expect(try metrics.recent(limit: 5).events.count == 1)
    }
}
