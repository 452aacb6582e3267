import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

/// Project wallets and bonds through the real pd, daemon and stand-in agents.
@Suite("Wallets and bonds")
struct WalletIntegrationTests {
    /// A hanging claude-cli stand-in launched for `identity` with `budget`, without waiting.
    static func spawn(_ bench: AgentBench, identity: String, budget: String, _ task: String) throws -> RunningCommand {
        try bench.spawnPD(["spawn", "--backend", "claude-cli", "--budget", budget, "--identity", identity, "--detach", "--", task])
    }

    static func wallet(_ bench: AgentBench, _ project: String) throws -> WalletInfo { try bench.daemon.client().wallet(project) }

    @Test("10 concurrent spawns against a daily budget that fits 3: exactly 3 run, 7 are refused; killing them refunds every bond")
    func concurrentSpawnsNeverOverspend() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("up", 1, 1)]), "hang_after_turn": 1])
        #expect(try bench.pd(["wallet", "top-up", "shop", "--usd", "1"]).status == 0)
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "3"]).status == 0)
        let launches = try (1...10).map { try Self.spawn(bench, identity: "shop:qa", budget: "1", "task \($0)") }
        let results = launches.map { $0.wait() }
        let ran = results.filter { $0.status == 0 }
        let refused = results.filter { $0.status != 0 }
        #expect(ran.count == 3, "\(results.map(\.stderr))")
        #expect(refused.count == 7 && refused.allSatisfy { $0.status == 4 && $0.stderr.contains("daily allowance 3.000000") })
        let busy = try Self.wallet(bench, "shop")
        #expect(busy.reserved.usd == "3.000000" && busy.escrowed.usd == "0.300000" && busy.balance.usd == "0.700000", "\(busy)")
        let bonds = try bench.daemon.client().bonds(project: "shop", state: nil).bonds
        #expect(bonds.count == 3 && bonds.allSatisfy { $0.state == .escrowed && $0.amount.usd == "0.100000" })
        for run in ran { try bench.kill(run.output) }
        #expect(
            eventually {
                let w = try? Self.wallet(bench, "shop")
                return w?.balance.usd == "1.000000" && w?.reserved.micros == 0 && w?.escrowed.micros == 0
            })
        #expect(try bench.daemon.client().bonds(project: "shop", state: "refunded").bonds.count == 3)
        // Room again: one more run launches.
        let again = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--identity", "shop:qa", "--detach", "--", "again"])
        #expect(again.status == 0, "\(again.stderr)")
        try bench.kill(again.output)
    }

    @Test("no daily budget or too small a balance refuses (exit 4); a slashed bond is not refunded again; money needs the user's token")
    func refusalsAndSlash() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("up", 1, 1)]), "hang_after_turn": 1])
        #expect(try bench.pd(["wallet", "top-up", "shop", "--usd", "1.0000001"]).status == 2)
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "-1"]).status == 2)
        #expect(try bench.pd(["wallet", "top-up", "shop:api", "--usd", "1"]).status == 2)
        #expect(try bench.pd(["wallet", "top-up", "noplan", "--usd", "5"]).status == 0)
        let noPlan = try Self.spawn(bench, identity: "noplan:x", budget: "1", "x").wait()
        #expect(noPlan.status == 4 && noPlan.stderr.contains("no daily budget"), "\(noPlan.stderr)")
        #expect(try bench.pd(["wallet", "top-up", "poor", "--usd", "0.01"]).status == 0)
        #expect(try bench.pd(["wallet", "budget", "poor", "--usd-per-day", "10"]).status == 0)
        let poor = try Self.spawn(bench, identity: "poor", budget: "1", "x").wait()
        #expect(poor.status == 4 && poor.stderr.contains("bond is 0.100000 USD"), "\(poor.stderr)")
        // A project without a wallet launches as before.
        let free = try Self.spawn(bench, identity: "elsewhere", budget: "1", "x").wait()
        #expect(free.status == 0, "\(free.stderr)")
        try bench.kill(free.output)

        #expect(try bench.pd(["wallet", "top-up", "shop", "--usd", "1"]).status == 0)
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "5"]).status == 0)
        let run = try Self.spawn(bench, identity: "shop", budget: "0.5", "x").wait()
        #expect(run.status == 0, "\(run.stderr)")
        let bond = try #require(try bench.daemon.client().bonds(project: "shop", state: "escrowed").bonds.first)
        #expect(bond.amount.usd == "0.050000" && bond.run == run.output)
        #expect(try bench.pd(["bond", "slash", bond.id, "--portion", "1.5", "--reason", "x"]).status == 2)
        let slash = try bench.pd(["bond", "slash", bond.id, "--portion", "0.5", "--reason", "ignored the migration lock"])
        #expect(slash.status == 0 && slash.stdout.contains("kept 0.025000 of 0.050000"), "\(slash.stderr)")
        try bench.kill(run.output)
        _ = try bench.ended(run.output)
        let after = try Self.wallet(bench, "shop")
        #expect(after.balance.usd == "0.975000" && after.escrowed.micros == 0, "\(after)")
        let listed = try bench.pd(["bond", "list", "--project", "shop"]).stdout
        #expect(listed.contains("slashed") && listed.contains("ignored the migration lock"), "\(listed)")

        // Over TCP, moving money needs the user's token; reading does not.
        let tcp = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: bench.daemon.tcpPort))
        let body = Array(#"{"usd":"5"}"#.utf8)
        let refused = try tcp.send(method: "POST", path: "/wallets/shop/top-up", body: body, headers: [("Content-Type", "application/json")])
        #expect(refused.status == 401)
        #expect(try tcp.send(method: "GET", path: "/wallets/shop").status == 200)
        #expect(try Self.wallet(bench, "shop").balance.usd == "0.975000")
    }

    @Test("kill -9 of the daemon mid-run: the next daemon stops the agent, marks the run lost and refunds its bond exactly once")
    func daemonCrashRefundsOnce() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("up", 1, 1)]), "hang_after_turn": 1])
        #expect(try bench.pd(["wallet", "top-up", "shop", "--usd", "2"]).status == 0)
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "5"]).status == 0)
        let run = try Self.spawn(bench, identity: "shop:fixer", budget: "1", "x").wait()
        #expect(run.status == 0, "\(run.stderr)")
        let pid = try #require(try bench.run(run.output).pid)
        #expect(eventually { bench.starts.count == 1 })
        #expect(try Self.wallet(bench, "shop").balance.usd == "1.900000")
        bench.daemon.stop(signal: SIGKILL)
        _ = try bench.daemon.start()
        #expect(eventually { kill(pid_t(pid), 0) != 0 })
        #expect(try bench.run(run.output).state == .lost)
        let wallet = try Self.wallet(bench, "shop")
        #expect(wallet.balance.usd == "2.000000" && wallet.reserved.micros == 0 && wallet.escrowed.micros == 0, "\(wallet)")
        // A second restart settles nothing twice.
        #expect(bench.daemon.stop() == 0)
        _ = try bench.daemon.start()
        #expect(try Self.wallet(bench, "shop").balance.usd == "2.000000")
        let bonds = try bench.daemon.client().bonds(project: "shop", state: nil).bonds
        #expect(bonds.count == 1 && bonds[0].state == .refunded && bonds[0].reason == "lost")
    }
}
