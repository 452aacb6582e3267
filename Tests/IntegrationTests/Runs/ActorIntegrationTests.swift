import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

/// Actors and their mailboxes: a message only queues, an alias finds the actor, a `trigger: mailbox` body drains it.
@Suite("Fleet actors and mailboxes")
struct ActorIntegrationTests {
    typealias Fleets = FleetIntegrationTests

    static func fleet(_ bench: AgentBench, trigger: String) throws {
        try #"{"project":"shop","services":{"web":{"cmd":"true"}}}"#.write(toFile: bench.workdir + "/.portdaddyrc", atomically: true, encoding: .utf8)
        let yaml = """
            fleet:
              name: shop-dev
              limits: {budget_usd_per_day: 5}
              defaults: {backend: claude-cli, budget: 0.25}
              actors:
                cartographer: {display: "Cartographer", aliases: [navigator], description: "keeps the roadmap honest"}
              agents:
                mapper:
                  actor: cartographer
                  trigger: \(trigger)
                  prompt: "Map {message}"
            """
        try yaml.write(toFile: bench.workdir + "/pd-fleet.yml", atomically: true, encoding: .utf8)
    }

    @Test("a message to an alias queues on the actor and starts nothing; a trigger: mailbox body then wakes and drains the mailbox")
    func mailbox() throws {
        let bench = try AgentBench(daemonEnvironment: ["PORT_DADDY_FLEET_POLL": "0.3"])
        try bench.plan(["turns": AgentBench.turns([("mapped", 1, 1)])])
        try Self.fleet(bench, trigger: "roadmap:changed")
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        let sent = try bench.pd(["actor", "NAVIGATOR", "--message", "hi"])
        #expect(sent.status == 0 && sent.stdout.contains("for cartographer (shop) on actor:shop:cartographer"), "\(sent.stdout)\(sent.stderr)")
        let stats = try bench.pd(["actor", "navigator", "--inbox-stats", "--json"])
        let figures = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any]
        #expect(figures?["queued"] as? Int == 1 && figures?["lastWake"] == nil, "\(stats.stdout)")
        #expect(try bench.pd(["actor", "cartographer", "--inbox"]).stdout.contains("hi"))
        let listed = try bench.daemon.client().actors(project: nil).actors
        #expect(listed.map(\.name) == ["cartographer"] && listed.first?.state == "queued" && listed.first?.bodies == ["mapper"])
        #expect(try bench.pd(["actors"]).stdout.contains("Cartographer"))
        // Nothing started: the stand-in never ran.
        Thread.sleep(forTimeInterval: 1)
        #expect(bench.starts.isEmpty)

        // The body now wakes on the mailbox (hot reload): it takes the queued message, and the mailbox drains.
        try Self.fleet(bench, trigger: "mailbox")
        #expect(eventually(timeout: 60) { Fleets.tasks(bench).contains("Map hi") }, "\(Fleets.tasks(bench))")
        #expect(eventually { (try? bench.daemon.client().actor("cartographer", project: "shop").mailbox.queued) == 0 })
        let after = try bench.daemon.client().actor("navigator", project: nil)
        #expect(after.lastWake != nil)
        #expect(eventually(timeout: 60) { (try? bench.daemon.client().actor("navigator", project: nil).state) == "dormant" })
        #expect(try bench.pd(["actor", "cartographer", "--inbox"]).stdout.contains("mailbox is empty"))
        // A second message wakes it again.
        #expect(try bench.pd(["actor", "cartographer", "--message", "again"]).status == 0)
        #expect(eventually(timeout: 60) { Fleets.tasks(bench).contains("Map again") })
    }

    @Test("an unknown actor is 404 (exit 5); a message needs text; no fleet, no actors")
    func unknownActor() throws {
        let bench = try AgentBench()
        #expect(try bench.pd(["actors"]).stdout.contains("no actors"))
        let missing = try bench.pd(["actor", "nobody", "--message", "hi"])
        #expect(missing.status == 5 && missing.stderr.contains("no running fleet has an actor named nobody"), "\(missing.stderr)")
        let tcp = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: bench.daemon.tcpPort))
        let bad = try tcp.send(method: "POST", path: "/actors/x/messages", body: Array("{}".utf8), headers: [("Content-Type", "application/json")])
        #expect(bad.status == 400)
    }
}
