import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

/// Fleets run by the daemon: triggers, collapse, chaining, schedules and limits, with the stand-in agents.
@Suite("Fleets in the daemon")
struct FleetIntegrationTests {
    /// Writes `pd-fleet.yml` (and a `.portdaddyrc` naming project `shop`) in the bench's work dir.
    static func fleet(_ bench: AgentBench, _ agents: String, limits: String = "budget_usd_per_day: 5") throws {
        try #"{"project":"shop","services":{"web":{"cmd":"true"}}}"#.write(toFile: bench.workdir + "/.portdaddyrc", atomically: true, encoding: .utf8)
        let yaml = """
            fleet:
              name: shop-dev
              limits: {\(limits)}
              defaults: {backend: claude-cli, budget: 0.25}
              agents:
            \(agents)
            """
        try yaml.write(toFile: bench.workdir + "/pd-fleet.yml", atomically: true, encoding: .utf8)
    }

    /// The tasks the stand-in agents were started with, in order.
    static func tasks(_ bench: AgentBench) -> [String] { bench.starts.compactMap { $0["task"] as? String } }

    @Test("a message on the trigger wakes the agent with it in the prompt; on_success publish wakes the next agent")
    func triggerAndChain() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("reviewed", 1, 1)])])
        try Self.fleet(
            bench,
            """
                qa:
                  trigger: git:committed
                  prompt: "Review commit {message} of {project}"
                  on_success: "publish git:reviewed"
                reporter:
                  trigger: git:reviewed
                  prompt: "Report on {message}"
            """)
        let up = try bench.pd(["fleet", "up", "--background"])
        #expect(up.status == 0, "\(up.stderr)")
        #expect(try bench.pd(["pub", "git:committed", "abc123"]).status == 0)
        #expect(eventually(timeout: 60) { Self.tasks(bench).contains { $0.contains("Review commit abc123 of shop") } })
        #expect(eventually(timeout: 60) { Self.tasks(bench).contains { $0.hasPrefix("Report on {") && $0.contains("\"agent\":\"qa\"") } })
        let status = try bench.daemon.client().fleets().fleets.first
        #expect(status?.agents.map(\.name) == ["qa", "reporter"])
        #expect(try bench.pd(["fleet", "down"]).status == 0)
        #expect(try bench.daemon.client().fleets().fleets.isEmpty)
    }

    @Test("a burst of 20 messages while the agent runs collapses into one more run that names them")
    func collapse() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("slow", 1, 1)], delayMs: 3000)])
        try Self.fleet(
            bench,
            """
                qa:
                  trigger: git:committed
                  prompt: "Review {message}"
            """)
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        try Self.burst(bench, "git:committed", "c")
        #expect(eventually(timeout: 60) { Self.tasks(bench).count == 2 })
        let second = Self.tasks(bench)[1]
        #expect(second.contains("Review c20") && second.contains("collapsed: 19 messages"), "\(Self.tasks(bench))")
        // Nothing more comes: the burst was one wake.
        Thread.sleep(forTimeInterval: 4)
        #expect(Self.tasks(bench).count == 2)
    }

    @Test("a fleet without any budget is refused (exit 4); with a wallet budget, @every 1s fires repeatedly")
    func budgetRequiredAndSchedule() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("tick", 1, 1)])])
        try Self.fleet(
            bench,
            """
                ticker:
                  schedule: "@every 1s"
                  prompt: "tick for {project}"
            """, limits: "max_concurrent_spawns: 1")
        let refused = try bench.pd(["fleet", "up", "--background"])
        #expect(refused.status == 4 && refused.stderr.contains("no budget"), "\(refused.stderr)")
        #expect(try bench.pd(["wallet", "top-up", "shop", "--usd", "1"]).status == 0)
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "5"]).status == 0)
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        #expect(eventually(timeout: 60) { Self.tasks(bench).filter { $0 == "tick for shop" }.count >= 2 })
        #expect(try bench.pd(["fleet", "down"]).status == 0)
    }

    /// The most fleet agents running at once, by the fleet's own event order.
    static func mostAtOnce(_ bench: AgentBench) throws -> Int {
        var running = 0
        var most = 0
        for event in try events(bench) {
            if event["type"] == "agent.started" { running += 1 }
            if ["agent.succeeded", "agent.failed", "agent.killed"].contains(event["type"] ?? "") { running -= 1 }
            most = max(most, running)
        }
        return most
    }

    /// 20 messages `<prefix>1`…`<prefix>20` while the agent runs: the first through `pd pub`, the other 19 — once the
    /// stand-in runs — straight from the client, so all of them land inside its run even on a loaded machine.
    static func burst(_ bench: AgentBench, _ channel: String, _ prefix: String) throws {
        #expect(try bench.pd(["pub", channel, prefix + "1"]).status == 0)
        #expect(eventually(timeout: 60) { bench.starts.count == 1 })
        let client = bench.daemon.client()
        for i in 2...20 { _ = try client.publish(channel, PublishRequest(message: prefix + String(i))) }
    }

    /// The fleet events so far, decoded.
    static func events(_ bench: AgentBench) throws -> [[String: String]] {
        try bench.daemon.client().history("fleet:events", after: 0, limit: 1000).messages.compactMap {
            try? JSONDecoder().decode([String: String].self, from: Data($0.message.utf8))
        }
    }

    @Test("fifo with max_queue 5: 20 messages while the agent runs give 1 + 5 runs and 14 agent.dropped events")
    func fifoQueue() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("slow", 1, 1)], delayMs: 2000)])
        try Self.fleet(
            bench,
            """
                qa:
                  trigger: jobs:new
                  prompt: "Do {message}"
                  queue: fifo
                  max_queue: 5
            """)
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        #expect(eventually { (try? bench.daemon.client().fleets().fleets.first?.agents.first?.status) == "idle" })
        try Self.burst(bench, "jobs:new", "job")
        #expect(eventually(timeout: 90) { Self.tasks(bench).count == 6 })
        #expect(try Self.events(bench).filter { $0["type"] == "agent.dropped" }.count == 14)
        #expect(eventually(timeout: 30) { (try? bench.daemon.client().fleets().fleets.first?.agents.first?.status) == "idle" })
        #expect(Self.tasks(bench).count == 6 && Self.tasks(bench).first == "Do job1")
    }

    @Test("max_concurrent_spawns: 1 — two agents woken together never run at once (by the fleet's own event order)")
    func concurrencyLimit() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("work", 1, 1)], delayMs: 1000)])
        try Self.fleet(
            bench,
            """
                a:
                  trigger: go:now
                  prompt: "a {message}"
                b:
                  trigger: go:now
                  prompt: "b {message}"
            """, limits: "max_concurrent_spawns: 1, budget_usd_per_day: 5")
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        #expect(try bench.pd(["pub", "go:now", "x"]).status == 0)
        #expect(eventually(timeout: 60) { (try? Self.events(bench).filter { $0["type"] == "agent.succeeded" }.count) == 2 })
        #expect(try Self.mostAtOnce(bench) == 1)
    }

    @Test("an enabled fleet comes back after a daemon restart and no message is lost; a fleet only `up` does not; disable forgets it")
    func enabledFleetSurvivesRestart() throws {
        // After the restart the agents run with the daemon's environment (and the PATH recorded at enable).
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("done", 1, 1)], delayMs: 1500)])
        try Self.fleet(
            bench,
            """
                qa:
                  trigger: jobs:new
                  prompt: "Do {message}"
                  queue: fifo
            """, limits: "max_concurrent_spawns: 1, budget_usd_per_day: 5")
        let enabled = try bench.pd(["fleet", "up", "-d"])
        #expect(enabled.status == 0 && enabled.stdout.contains("enabled"), "\(enabled.stderr)")
        for job in ["m1", "m2", "m3"] { #expect(try bench.pd(["pub", "jobs:new", job]).status == 0) }
        #expect(eventually { Self.tasks(bench).count >= 1 })
        #expect(bench.daemon.stop() == 0)
        _ = try bench.daemon.start(environment: bench.environment)
        #expect(eventually(timeout: 90) { Set(Self.tasks(bench)).isSuperset(of: ["Do m1", "Do m2", "Do m3"]) }, "\(Self.tasks(bench))")
        #expect(try bench.daemon.client().fleets().fleets.map(\.project) == ["shop"])
        #expect(try bench.pd(["fleet", "disable"]).status == 0)
        #expect(bench.daemon.stop() == 0)
        _ = try bench.daemon.start(environment: bench.environment)
        #expect(try bench.daemon.client().fleets().fleets.isEmpty)
        // Only `up` (not enabled): running now, gone after a restart.
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        #expect(try bench.daemon.client().fleets().fleets.count == 1)
        #expect(bench.daemon.stop() == 0)
        _ = try bench.daemon.start(environment: bench.environment)
        #expect(try bench.daemon.client().fleets().fleets.isEmpty)
    }

    @Test("max_spawns_per_hour: 2 — the third wake waits rate_limited; a self-chaining agent stops at hop 8 (fleet.chain_limit)")
    func rateLimitAndChainLimit() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("ok", 1, 1)])])
        try Self.fleet(
            bench,
            """
                qa:
                  trigger: jobs:new
                  prompt: "Do {message}"
                  queue: fifo
            """, limits: "max_spawns_per_hour: 2, budget_usd_per_day: 5")
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        for job in ["j1", "j2", "j3"] { #expect(try bench.pd(["pub", "jobs:new", job]).status == 0) }
        #expect(eventually(timeout: 60) { (try? Self.events(bench).contains { $0["type"] == "agent.rate_limited" }) == true })
        #expect(eventually { (try? bench.daemon.client().fleets().fleets.first?.agents.first?.status) == "rate_limited" })
        #expect(Self.tasks(bench) == ["Do j1", "Do j2"])
        #expect(try bench.pd(["fleet", "down"]).status == 0)

        try Self.fleet(
            bench,
            """
                echo:
                  trigger: ping:pong
                  prompt: "Echo {message}"
                  on_success: "publish ping:pong"
            """)
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        #expect(try bench.pd(["pub", "ping:pong", "start"]).status == 0)
        #expect(eventually(timeout: 120) { (try? Self.events(bench).contains { $0["type"] == "fleet.chain_limit" }) == true })
        #expect(Self.tasks(bench).filter { $0.hasPrefix("Echo ") }.count == 8)
    }

    @Test("hot reload: an added agent appears; a broken edit marks the fleet invalid and the old agents keep running; a deleted file stops it")
    func hotReload() throws {
        let bench = try AgentBench(daemonEnvironment: ["PORT_DADDY_FLEET_POLL": "0.3"])
        try bench.plan(["turns": AgentBench.turns([("ok", 1, 1)])])
        try Self.fleet(
            bench,
            """
                qa:
                  trigger: jobs:new
                  prompt: "Do {message}"
            """)
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        try Self.fleet(
            bench,
            """
                qa:
                  trigger: jobs:new
                  prompt: "Do {message}"
                docs:
                  trigger: docs:new
                  prompt: "Write {message}"
            """)
        #expect(eventually { (try? bench.daemon.client().fleets().fleets.first?.agents.map(\.name)) == ["qa", "docs"] })
        #expect(try bench.pd(["pub", "docs:new", "guide"]).status == 0)
        #expect(eventually(timeout: 60) { Self.tasks(bench).contains("Write guide") })
        // A broken edit: the fleet shows invalid with the problem, and the last valid agents still wake.
        try "fleet:\n  name: shop-dev\n  agents:\n    qa:\n      schedule: \"*/61 * * * *\"\n".write(
            toFile: bench.workdir + "/pd-fleet.yml", atomically: true, encoding: .utf8)
        #expect(eventually { (try? bench.daemon.client().fleets().fleets.first?.state) == "invalid" })
        let status = try bench.pd(["fleet", "status"]).stdout
        #expect(status.contains("INVALID") && status.contains("fleet.agents.qa.schedule"), "\(status)")
        #expect(try Self.events(bench).contains { $0["type"] == "fleet.invalid" })
        #expect(try bench.pd(["pub", "jobs:new", "still"]).status == 0)
        #expect(eventually(timeout: 60) { Self.tasks(bench).contains("Do still") })
        // `pd fleet reload` says nothing changed; a deleted file stops the fleet.
        #expect(try bench.pd(["fleet", "reload"]).stdout.contains("no fleet file changed"))
        try FileManager.default.removeItem(atPath: bench.workdir + "/pd-fleet.yml")
        #expect(eventually { (try? bench.daemon.client().fleets().fleets.isEmpty) == true })
    }
}
