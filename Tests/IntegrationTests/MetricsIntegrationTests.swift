import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// The run metrics against a real daemon and real custom agents that report their usage with `pd usage report`.
@Suite("Run metrics: counters, golden signals, cost, pd status")
struct MetricsIntegrationTests {
    /// A custom agent: reports `input` and `output` tokens and `cost` USD for its run, then exits with `code`.
    static let agent = """
        #!/bin/sh
        "$1" usage report --input "$2" --output "$3" --cost "$4" || exit 70
        exit "$5"
        """

    /// A custom agent that reports a little usage, prints a line, then waits to be killed.
    static let waiter = """
        #!/bin/sh
        "$1" usage report --input 1 --output 1 --cost 0.125 || exit 70
        echo "waiting for the kill"
        exec sleep 600
        """

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }

    static func get<T: Decodable>(_ daemon: TestDaemon, _ path: String, as type: T.Type = T.self) throws -> T {
        let answer = try daemon.client().send("GET", path, body: nil)
        #expect(answer.status == 200, "\(path): \(String(decoding: answer.body, as: UTF8.self))")
        return try JSONDecoder().decode(T.self, from: Data(answer.body))
    }

    @Test("after N custom runs of which k fail: counters sum to N and k, golden errorPct is k/N, cost totals are the runs' costs")
    func countersGoldenCost() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        defer { daemon.stop() }
        let script = daemon.home + "/agent.sh"
        try Self.write(Self.agent, to: script)
        // Costs that binary floating point holds exactly, so the check does not depend on how USD text is parsed.
        let plans: [(input: Int, output: Int, cost: String, exit: Int, identity: String)] = [
            (100, 20, "0.0625", 0, "shop:web"), (200, 40, "0.125", 3, "shop:api"), (300, 60, "0.1875", 0, "blog:web"),
            (400, 80, "0.25", 4, "blog:web"), (500, 100, "0.3125", 0, "shop:web"),
        ]
        let failing = plans.filter { $0.exit != 0 }.count
        for (i, plan) in plans.enumerated() {
            let run = try daemon.pd([
                "spawn", "--backend", "custom", "--budget", "1", "--telemetry", "report", "--identity", plan.identity, "--name", "Metric \(i)",
                "--task", "metrics run \(i)", "--", script, daemon.binary, String(plan.input), String(plan.output), plan.cost, String(plan.exit),
            ])
            #expect(run.status == (plan.exit == 0 ? 0 : 9), "\(run.stdout)\(run.stderr)")
        }
        let runs = try JSONDecoder().decode(RunsResponse.self, from: Data(try daemon.pd(["spawned", "--json"]).stdout.utf8)).runs
        #expect(runs.count == plans.count)
        #expect(runs.filter { $0.state == .failed }.count == failing)
        let totalMicros = runs.reduce(0) { $0 + $1.cost.micros }
        let totalTokens = runs.reduce(0) { $0 + $1.tokens.input + $1.tokens.output }
        #expect(totalMicros == 937_500)

        let started: MetricSeriesResponse = try Self.get(daemon, "/metrics/counters?key=spawn.started&groupBy=day&since=24h")
        #expect(started.series.reduce(0) { $0 + $1.count } == Int64(plans.count))
        let failed: MetricSeriesResponse = try Self.get(daemon, "/metrics/counters?key=spawn.failed&groupBy=minute")
        #expect(failed.series.reduce(0) { $0 + $1.count } == Int64(failing))
        let ended: MetricSeriesResponse = try Self.get(daemon, "/metrics/counters?key=spawn.ended&groupBy=hour")
        #expect(ended.series.reduce(0) { $0 + $1.count } == Int64(plans.count))
        let cost: MetricSeriesResponse = try Self.get(daemon, "/metrics/counters?key=spawn.cost&groupBy=hour")
        #expect(cost.series.reduce(0) { $0 + $1.sum } == totalMicros)
        let tokens: MetricSeriesResponse = try Self.get(daemon, "/metrics/counters?key=spawn.tokens&groupBy=hour")
        #expect(tokens.series.reduce(0) { $0 + $1.sum } == totalTokens)
        let shopCost: MetricSeriesResponse = try Self.get(daemon, "/metrics/counters?key=spawn.cost&groupBy=day&dim=project:shop,backend:custom")
        #expect(shopCost.series.reduce(0) { $0 + $1.sum } == 62_500 + 125_000 + 312_500)
        let failedShop: MetricSeriesResponse = try Self.get(daemon, "/metrics/counters?key=spawn.started&dim=state:failed&dim=project:shop")
        #expect(failedShop.series.reduce(0) { $0 + $1.count } == 1)

        let top: MetricTopResponse = try Self.get(daemon, "/metrics/counters/top?key=spawn.started&dim=state&n=5")
        #expect(top.top == [MetricShare(value: "succeeded", count: 3, sum: 3), MetricShare(value: "failed", count: 2, sum: 2)])
        let topCost: MetricTopResponse = try Self.get(daemon, "/metrics/counters/top?key=spawn.cost&dim=project&n=1")
        #expect(topCost.top == [MetricShare(value: "shop", count: 3, sum: 500_000)])

        let golden: GoldenSignals = try Self.get(daemon, "/metrics/golden?window=1h")
        #expect(golden.errorPct == Double(failing) * 100 / Double(plans.count))
        #expect(golden.started == Int64(plans.count) && golden.ended == Int64(plans.count) && golden.failed == Int64(failing))
        #expect(golden.ratePerMin == Double(plans.count) / 60)
        #expect(golden.costPerHour.micros == totalMicros)
        #expect(golden.avgDurationMs >= 0)

        let report: CostReport = try Self.get(daemon, "/metrics/cost?since=24h")
        #expect(report.totals.micros == totalMicros && report.totals.usd == "0.937500")
        #expect(report.totals.spawns == Int64(plans.count) && report.totals.tokens == totalTokens)
        #expect(report.byProject.map(\.value) == ["shop", "blog"])
        #expect(report.byProject.map(\.micros) == [500_000, 437_500])
        #expect(report.byBackend == [CostShare(value: "custom", micros: totalMicros, spawns: Int64(plans.count), tokens: totalTokens)])

        let budget: BudgetCheck = try Self.get(daemon, "/metrics/cost/budget/blog?budgetUsdPerDay=0.5")
        #expect(budget.spentToday == MoneyAmount(micros: 437_500) && budget.reserved == MoneyAmount(micros: 0))
        #expect(budget.remaining == MoneyAmount(micros: 62_500) && !budget.overBudget)
        let recent: RecentCostResponse = try Self.get(daemon, "/metrics/cost/recent?limit=2")
        #expect(recent.events.map(\.micros) == [312_500, 250_000])
        #expect(recent.events.allSatisfy { $0.source == "report" && runs.map(\.id).contains($0.run) })

        // pd status: no agent running, today's spend.
        let status = try JSONDecoder().decode(StatusResponse.self, from: Data(try daemon.pd(["status", "--json"]).stdout.utf8))
        #expect(status.runs == RunsStatus(running: 0, names: [], spentToday: MoneyAmount(micros: totalMicros), pendingKills: 0, panicked: false))
        let text = try daemon.pd(["status"]).stdout
        #expect(text.contains("agents    none running") && text.contains("spend     $0.937500 today"), "\(text)")
    }

    @Test("bad metric query values are refused with 400 {error, code}; the budget check needs its ceiling")
    func badQueries() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        defer { daemon.stop() }
        let client = daemon.client()
        for path in [
            "/metrics/counters", "/metrics/counters?key=spawn.nope", "/metrics/counters?key=spawn.started&groupBy=week",
            "/metrics/counters?key=spawn.started&since=soon", "/metrics/counters?key=spawn.started&dim=color:red",
            "/metrics/counters?key=spawn.started&dim=backend", "/metrics/counters/top?key=spawn.started",
            "/metrics/counters/top?key=spawn.started&dim=backend&n=0", "/metrics/golden?window=-1h", "/metrics/cost?since=yesterday",
            "/metrics/cost/budget/shop", "/metrics/cost/budget/shop?budgetUsdPerDay=", "/metrics/cost/budget/shop?budgetUsdPerDay=0",
            "/metrics/cost/recent?limit=abc", "/metrics/cost/recent?limit=5000",
        ] {
            let answer = try client.send("GET", path, body: nil)
            let body = try? JSONDecoder().decode(ErrorBody.self, from: Data(answer.body))
            #expect(answer.status == 400, "\(path): \(answer.status)")
            #expect(body?.code == ErrorCode.invalidRequest.rawValue && body?.error.isEmpty == false, "\(path)")
        }
        // With nothing recorded, every answer is empty or zero (and never made up).
        let golden: GoldenSignals = try Self.get(daemon, "/metrics/golden")
        #expect(golden.started == 0 && golden.errorPct == 0 && golden.costPerHour.micros == 0)
        let series: MetricSeriesResponse = try Self.get(daemon, "/metrics/counters?key=spawn.started")
        #expect(series.series.isEmpty && series.groupBy == .minute)
    }

    @Test("pd status names the running agents and a budget check reserves what they may still spend")
    func runningAgents() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        defer { daemon.stop() }
        let script = daemon.home + "/waiter.sh"
        try Self.write(Self.waiter, to: script)
        let launched = try daemon.pd([
            "spawn", "--backend", "custom", "--budget", "0.5", "--telemetry", "report", "--identity", "shop:watch", "--name", "Metrics Watcher",
            "--task", "wait", "--detach", "--", script, daemon.binary,
        ])
        #expect(launched.status == 0, "\(launched.stderr)")
        let runID = launched.output
        #expect(try eventually { try daemon.pd(["spawn", "logs", runID]).stdout.contains("waiting for the kill") })
        let status = try JSONDecoder().decode(StatusResponse.self, from: Data(try daemon.pd(["status", "--json"]).stdout.utf8))
        #expect(
            status.runs
                == RunsStatus(running: 1, names: ["Metrics Watcher"], spentToday: MoneyAmount(micros: 125_000), pendingKills: 0, panicked: false))
        #expect(try daemon.pd(["status"]).stdout.contains("agents    1 running: Metrics Watcher"))
        let budget: BudgetCheck = try Self.get(daemon, "/metrics/cost/budget/shop?budgetUsdPerDay=0.6")
        #expect(budget.spentToday.micros == 125_000 && budget.reserved.micros == 375_000)
        #expect(budget.remaining.micros == 100_000 && !budget.overBudget)
        #expect(try Self.get(daemon, "/metrics/cost/budget/shop?budgetUsdPerDay=0.4", as: BudgetCheck.self).overBudget)
        #expect(try daemon.pd(["spawn", "kill", runID]).status == 0)
        let after: BudgetCheck = try Self.get(daemon, "/metrics/cost/budget/shop?budgetUsdPerDay=0.6")
        #expect(after.reserved.micros == 0 && after.remaining.micros == 475_000)
        let failed: MetricSeriesResponse = try Self.get(daemon, "/metrics/counters?key=spawn.failed")
        #expect(failed.series.reduce(0) { $0 + $1.count } == 1)  // killed counts as failed
    }
}
