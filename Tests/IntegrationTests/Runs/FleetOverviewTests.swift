import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

/// What `GET /fleet` (and the dashboard's Fleet view) says about a fleet beyond its agents: its mode, and enabled
/// fleets the daemon is not running.
@Suite("Fleet overview")
struct FleetOverviewTests {
    @Test("GET /fleet: an enabled fleet is mode daemon; down leaves it stopped (no agents); a broken file shows its problems; disable forgets it")
    func modeAndStopped() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("ok", 1, 1)])])
        try FleetIntegrationTests.fleet(
            bench,
            """
                qa:
                  trigger: jobs:new
                  prompt: "Do {message}"
            """)
        #expect(try bench.pd(["fleet", "up", "-d"]).status == 0)
        let running = try #require(try bench.daemon.client().fleets().fleets.first)
        #expect(running.mode == "daemon" && running.state == "running" && running.agents.map(\.name) == ["qa"])
        #expect(running.agents.first?.spendToday?.micros == 0)
        // Stopped but still enabled: listed as stopped, with no agents, and said so by pd fleet status.
        #expect(try bench.pd(["fleet", "down"]).status == 0)
        let stopped = try #require(try bench.daemon.client().fleets().fleets.first)
        #expect(stopped.state == "stopped" && stopped.mode == "daemon" && stopped.agents.isEmpty && stopped.name == "shop-dev")
        #expect(try bench.pd(["fleet", "status"]).stdout.contains("STOPPED"))
        // A broken file: the daemon cannot start it at its next start, and the overview says why.
        try "fleet:\n  name: shop-dev\n  agents:\n    qa:\n      schedule: \"*/61 * * * *\"\n".write(
            toFile: bench.workdir + "/pd-fleet.yml", atomically: true, encoding: .utf8)
        #expect(bench.daemon.stop() == 0)
        _ = try bench.daemon.start(environment: bench.environment)
        let broken = try #require(try bench.daemon.client().fleets().fleets.first)
        #expect(broken.state == "stopped" && (broken.problems ?? []).contains { $0.contains("fleet.agents.qa.schedule") }, "\(broken)")
        #expect(try bench.pd(["fleet", "disable"]).status == 0)
        #expect(try bench.daemon.client().fleets().fleets.isEmpty)
    }

    @Test("GET /fleet: a fleet run with --background is mode daemon too (the foreground one, attached, is FleetForegroundTests')")
    func background() throws {
        let bench = try AgentBench()
        try FleetIntegrationTests.fleet(
            bench,
            """
                qa:
                  trigger: jobs:new
                  prompt: "Do {message}"
            """)
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        #expect(try bench.daemon.client().fleets().fleets.map(\.mode) == ["daemon"])
    }
}
