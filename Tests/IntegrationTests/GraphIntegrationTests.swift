import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// The coordination graph through the real pd and daemon: co-claimed files across sessions, handed-off salvage,
/// spawned runs of a stand-in agent, changelog entries from sessions, and the refusals.
@Suite("Graph: live and durable edges through pd")
struct GraphIntegrationTests {
    func decode<T: Decodable>(_ type: T.Type, _ result: CommandResult) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(result.stdout.utf8)) } catch {
            throw TestFailure("cannot decode \(T.self) from \(result.stdout) (stderr \(result.stderr), status \(result.status))")
        }
    }

    func edges(_ daemon: TestDaemon, _ arguments: [String]) throws -> [GraphEdge] {
        try decode(GraphResponse.self, try daemon.pd(["graph", "edges", "--json"] + arguments)).edges
    }

    @Test("seed test 13: two files in one session → co-claimed weight 1, then 2 after a second session; a salvage claim → handed-off")
    func coClaimedAndHandedOff() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_REAP_INTERVAL": "0.2"])
        try daemon.start()
        let src = daemon.home + "/src"
        try FileManager.default.createDirectory(atPath: src, withIntermediateDirectories: true)
        for name in ["a.swift", "b.swift"] { try "x".write(toFile: src + "/" + name, atomically: true, encoding: .utf8) }
        let real = URL(fileURLWithPath: src).resolvingSymlinksInPath().path
        let a = "file:" + real + "/a.swift", b = "file:" + real + "/b.swift"
        let alice = ["PD_AGENT_ID": "alice"], bob = ["PD_AGENT_ID": "bob"]

        #expect(try daemon.pd(["begin", "one", "--files", src + "/a.swift", src + "/b.swift"], environment: alice).status == 0)
        var coClaimed = try edges(daemon, ["--kind", "co-claimed"])
        #expect(coClaimed.map { "\($0.from) \($0.to) \($0.weight) \($0.durable)" } == ["\(a) \(b) 1 true"])
        #expect(try daemon.pd(["done"], environment: alice).status == 0)
        #expect(try daemon.pd(["begin", "two"], environment: bob).status == 0)
        #expect(try daemon.pd(["claim-files", src + "/b.swift", src + "/a.swift"], environment: bob).status == 0)
        coClaimed = try edges(daemon, ["--kind", "co-claimed"])
        #expect(coClaimed.map { "\($0.from) \($0.to) \($0.weight)" } == ["\(a) \(b) 2"])

        // Around a file given relative to the current directory: its live claim and its co-claimed partner.
        let around = try daemon.pd(["graph", "edges", "--node", "file:a.swift"], directory: src)
        #expect(around.status == 0, "\(around.stderr)")
        let lines = around.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("KIND") == true)
        #expect(lines.contains { $0.hasPrefix("claims-file") && $0.contains(a) && $0.contains("live") })
        #expect(lines.contains { $0.hasPrefix("co-claimed") && $0.contains(a) && $0.contains(b) && $0.contains(" 2 ") && $0.contains("durable") })
        // The seed's spelling names the same node.
        #expect(try edges(daemon, ["--scope", "symbols:file:" + src + "/a.swift", "--kind", "co-claimed"]) == coClaimed)

        // A dead agent's work, claimed by another agent.
        let dead = ["PD_AGENT_ID": "crashy"], heir = ["PD_AGENT_ID": "heir"]
        #expect(try daemon.pd(["agent", "register", "--identity", "shop:api", "--ttl", "1s"], environment: dead).status == 0)
        #expect(try daemon.pd(["begin", "half-done migration", "--files", src + "/schema.sql"], environment: dead).status == 0)
        #expect(try daemon.pd(["agent", "register", "--ttl", "1s"], environment: dead).status == 0)
        #expect(
            eventually(timeout: 30) {
                (try? self.decode(SalvageResponse.self, try daemon.pd(["salvage", "--json"])))?.salvage.first?.agentID == "crashy"
            })
        #expect(try daemon.pd(["begin", "finish migration"], environment: heir).status == 0)
        #expect(try daemon.pd(["salvage", "claim", "crashy"], environment: heir).status == 0)
        let handedOff = try edges(daemon, ["--kind", "handed-off"])
        #expect(handedOff.map { "\($0.from) \($0.to) \($0.weight) \($0.durable)" } == ["agent:crashy agent:heir 1 true"])
        let stats = try decode(GraphStats.self, try daemon.pd(["graph", "stats", "--project", "shop", "--json"]))
        #expect(stats.durable == ["handed-off": 1])
        #expect(try decode(GraphStats.self, try daemon.pd(["graph", "stats", "--json"])).topCoClaimed.first?.weight == 2)

        // The durable edges survive a restart.
        #expect(daemon.stop() == 0)
        try daemon.start()
        #expect(try edges(daemon, ["--kind", "co-claimed"]).map(\.weight) == [2])
        #expect(try edges(daemon, ["--node", "agent:heir", "--kind", "handed-off"]).count == 1)
    }

    @Test("a sortie's launch records sortie → run → agent; the run's changelog entry records session → identity")
    func spawnedAndChanged() throws {
        let bench = try AgentBench()
        try bench.plan([
            "turns": AgentBench.turns([("MISSION DONE", 10, 5)]), "cost_usd": 0.0001,
            "pd_calls": [["changelog", "add", "shop:api", "tuned the pool"]],
        ])
        let result = try bench.pd(["sortie", "--backend", "claude-cli", "--budget", "1", "--", "tune the pool"])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let sortie = try #require(try bench.daemon.client().sorties(status: nil).sorties.first)
        let run = try bench.run(sortie.runID)
        let spawned = try edges(bench.daemon, ["--node", "sortie:" + sortie.id, "--kind", "spawned", "--depth", "2"])
        #expect(
            spawned.map { "\($0.from) \($0.to) \($0.durable)" } == [
                "run:\(run.id) agent:\(run.agentID) true", "sortie:\(sortie.id) run:\(run.id) true",
            ])
        let session = try #require(run.sessionID)
        let changed = try edges(bench.daemon, ["--node", "session:" + session, "--kind", "changed"])
        #expect(changed.map { "\($0.from) \($0.to) \($0.weight)" } == ["session:\(session) identity:shop:api 1"])
    }

    @Test("a bad node or depth is exit 2 with one line; over HTTP a bad kind is a 400 {error, code}")
    func refusals() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let node = try daemon.pd(["graph", "edges", "--node", "robot:x"])
        #expect(node.status == 2 && node.stderr.split(separator: "\n").count == 1, "\(node.stderr)")
        let depth = try daemon.pd(["graph", "edges", "--node", "agent:a", "--depth", "9"])
        #expect(depth.status == 2 && depth.stderr.contains("depth"), "\(depth.stderr)")
        let kind = try CommandResult.run(
            "/usr/bin/env", ["curl", "-sS", "-w", "\n%{http_code}", "http://127.0.0.1:\(daemon.tcpPort)/graph?kind=likes"],
            environment: ProcessInfo.processInfo.environment)
        let parts = kind.stdout.split(separator: "\n").map(String.init)
        #expect(parts.last == "400", "\(kind.stdout)")
        let body = try JSONDecoder().decode(ErrorBody.self, from: Data((parts.first ?? "").utf8))
        #expect(body.code == ErrorCode.invalidRequest.rawValue && body.error.contains("likes"))
        #expect(try daemon.pd(["graph", "edges"]).stdout == "no edges\n")
    }
}
