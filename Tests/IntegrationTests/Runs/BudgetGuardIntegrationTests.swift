import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

/// The budget guard (pending kills, grace, raise) and the panic switch, through the real pd, daemon and stand-ins.
@Suite("Budget guard and panic")
struct BudgetGuardIntegrationTests {
    /// A claude-cli stand-in whose first turn costs something (50,000 input tokens at the rate table's price).
    static func costlyPlan(_ bench: AgentBench, thenHang: Bool, secondTurnDelayMs: Int = 0) throws {
        var turns = AgentBench.turns([("spent", 50_000, 10)])
        if !thenHang { turns += AgentBench.turns([("done", 1, 1)], delayMs: secondTurnDelayMs) }
        try bench.plan(thenHang ? ["turns": turns, "hang_after_turn": 1] : ["turns": turns])
    }

    /// Starts a shop run and waits until its first turn's cost is recorded.
    static func costlyRun(_ bench: AgentBench) throws -> String {
        let run = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--identity", "shop:qa", "--detach", "--", "work"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(eventually { ((try? bench.run(run.output))?.cost.micros ?? 0) > 10_000 })
        return run.output
    }

    static func messages(_ bench: AgentBench) throws -> [String] {
        try bench.daemon.client().history("budget:pending", after: 0).messages.map(\.message)
    }

    @Test(
        "over the allowance: a pending kill on budget:pending; grace twice, not thrice; killed at the deadline (budget), bond refunded"
    )
    func pendingKillDeadline() throws {
        let bench = try AgentBench(daemonEnvironment: ["PORT_DADDY_BUDGET_GRACE": "3"])
        try Self.costlyPlan(bench, thenHang: true)
        #expect(try bench.pd(["wallet", "top-up", "shop", "--usd", "1"]).status == 0)
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "5"]).status == 0)
        let id = try Self.costlyRun(bench)
        #expect(try bench.daemon.client().pendingKills().pending.isEmpty)
        // The user lowers the budget below what was spent: the running agent is now over it, and keeps going.
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "0.01"]).status == 0)
        let pending = try #require(try bench.daemon.client().pendingKills().pending.first)
        #expect(pending.run == id && pending.project == "shop" && pending.extensions == 0)
        #expect(try bench.pd(["status"]).stdout.contains("1 run(s) over budget"))
        #expect(try Self.messages(bench).contains { $0.contains("\"type\":\"budget.pending\"") && $0.contains(id) })
        #expect(try bench.run(id).state == .running)
        // New spawns of the project are refused meanwhile.
        let refused = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "0.5", "--identity", "shop:qa", "--detach", "--", "more"])
        #expect(refused.status == 4 && refused.stderr.contains("daily allowance"), "\(refused.stderr)")
        #expect(try bench.pd(["wallet", "grace", id]).status == 0)
        #expect(try bench.pd(["wallet", "grace", id]).status == 0)
        let third = try bench.pd(["wallet", "grace", id])
        #expect(third.status == 4 && third.stderr.contains("twice"), "\(third.stderr)")
        let ended = try bench.ended(id)
        #expect(ended.state == .killed && ended.reason == "budget")
        #expect(try bench.daemon.client().bonds(project: "shop", state: nil).bonds.first?.state == .refunded)
        #expect(try bench.pd(["wallet", "grace", id]).status == 4)  // ALREADY_KILLED
        #expect(try bench.daemon.client().wallet("shop").balance.usd == "1.000000")
    }

    @Test("a raise clears the project's pending kills (budget.cleared) and the run finishes succeeded")
    func raiseClears() throws {
        let bench = try AgentBench(daemonEnvironment: ["PORT_DADDY_BUDGET_GRACE": "120"])
        try Self.costlyPlan(bench, thenHang: false, secondTurnDelayMs: 6000)
        #expect(try bench.pd(["wallet", "top-up", "shop", "--usd", "1"]).status == 0)
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "5"]).status == 0)
        let id = try Self.costlyRun(bench)
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "0.01"]).status == 0)
        #expect(try bench.daemon.client().pendingKills().pending.map(\.run) == [id])
        let raised = try bench.pd(["wallet", "raise", "--run", id, "--usd", "1"])
        #expect(raised.status == 0 && raised.stdout.contains("allowance 1.010000"), "\(raised.stdout)\(raised.stderr)")
        #expect(try bench.daemon.client().pendingKills().pending.isEmpty)
        #expect(try Self.messages(bench).contains { $0.contains("\"type\":\"budget.cleared\"") && $0.contains(id) })
        #expect(try bench.ended(id).state == .succeeded)
        #expect(try bench.daemon.client().wallet("shop").raisedToday.usd == "1.000000")
    }

    @Test("panic: confirm without arming is refused; arm + confirm kills every run and refunds bonds; spawns refused across a restart until unpanic")
    func panicSwitch() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("up", 1, 1)]), "hang_after_turn": 1])
        let notArmed = try bench.pd(["fleet", "panic", "--reason", "oops", "--confirm"])
        #expect(notArmed.status == 4 && notArmed.stderr.contains("not armed"), "\(notArmed.stderr)")
        #expect(try bench.pd(["wallet", "top-up", "shop", "--usd", "1"]).status == 0)
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "5"]).status == 0)
        let a = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--identity", "shop:a", "--detach", "--", "a"]).output
        let b = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--detach", "--", "b"]).output
        let pids = try [a, b].map { try #require(try bench.run($0).pid) }
        #expect(eventually { bench.starts.count == 2 })
        // Over TCP without the token, the switch is out of reach.
        let tcp = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: bench.daemon.tcpPort))
        let refused = try tcp.send(
            method: "POST", path: "/fleet/panic", body: Array(#"{"reason":"x"}"#.utf8), headers: [("Content-Type", "application/json")])
        #expect(refused.status == 401)
        let armed = try bench.pd(["fleet", "panic", "--reason", "runaway spend"])
        #expect(armed.status == 0 && armed.stdout.contains("armed"), "\(armed.stdout)")
        let fired = try bench.pd(["fleet", "panic", "--reason", "runaway spend", "--confirm", "--json"])
        #expect(fired.status == 0, "\(fired.stderr)")
        let answer = try JSONDecoder().decode(PanicResponse.self, from: Data(fired.stdout.utf8))
        #expect(answer.panicked && Set(answer.killed ?? []) == Set([a, b]) && answer.refunded?.usd == "0.100000", "\(answer)")
        for pid in pids { #expect(kill(pid_t(pid), 0) != 0) }
        #expect(try bench.run(a).reason == "panic")
        #expect(try bench.daemon.client().bonds(project: "shop", state: "refunded").bonds.count == 1)
        let blocked = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--detach", "--", "c"])
        #expect(blocked.status == 4 && blocked.stderr.contains("panic"), "\(blocked.stderr)")
        #expect(bench.daemon.stop() == 0)
        _ = try bench.daemon.start()
        #expect(try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--detach", "--", "d"]).status == 4)
        #expect(try bench.daemon.client().panicState().panicked)
        #expect(try bench.pd(["status"]).stdout.contains("PANICKED"))
        #expect(try bench.pd(["fleet", "unpanic", "--reason", "under control"]).status == 0)
        let again = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--detach", "--", "e"])
        #expect(again.status == 0, "\(again.stderr)")
        try bench.kill(again.output)
    }

    @Test("pd wallet kill stops a pending run at once (reason budget); a run that breaks its telemetry promise has its bond held")
    func killNowAndHeldBond() throws {
        let bench = try AgentBench(daemonEnvironment: ["PORT_DADDY_BUDGET_GRACE": "120"])
        try Self.costlyPlan(bench, thenHang: true)
        #expect(try bench.pd(["wallet", "top-up", "shop", "--usd", "1"]).status == 0)
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "5"]).status == 0)
        let id = try Self.costlyRun(bench)
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "0.01"]).status == 0)
        let killed = try bench.pd(["wallet", "kill", id])
        #expect(killed.status == 0 && killed.stdout.contains("killed (budget)"), "\(killed.stdout)\(killed.stderr)")
        #expect(try bench.run(id).reason == "budget")
        #expect(try bench.pd(["wallet", "kill", id]).status == 4)  // ALREADY_KILLED
        // A custom agent that promised usage reports and sent none: its bond is held for the user.
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "5"]).status == 0)
        try bench.plan(["turns": AgentBench.turns([("quiet", 1, 1)]), "report_usage": false])
        let silent = try bench.pd(
            [
                "spawn", "--backend", "custom", "--budget", "0.5", "--telemetry", "report", "--identity", "shop:quiet", "--task", "t", "--",
                "fake-custom",
            ])
        #expect(silent.status == 9)
        let held = try #require(try bench.daemon.client().bonds(project: "shop", state: "held").bonds.first)
        #expect(held.reason == "telemetry-missing" && held.amount.usd == "0.050000")
        #expect(try bench.daemon.client().wallet("shop").balance.usd == "0.950000")
    }
}
