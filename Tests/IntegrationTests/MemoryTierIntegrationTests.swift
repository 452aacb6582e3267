import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// Memory tiers with live counts, and episodic memory: notes promoted when written, outcomes when runs end.
@Suite("Memory tiers and episodes")
struct MemoryTierIntegrationTests {
    @Test("pd memory tiers counts what exists (3 file claims → active-file-claims 3); tier names a construct; unknown exits 5")
    func tiers() throws {
        let daemon = try TestDaemon()
        _ = try daemon.start()
        let dir = daemon.home + "-files"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["a.swift", "b.swift", "c.swift"] { _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data()) }
        let env = ["PD_AGENT_ID": "tierer"]
        #expect(try daemon.pd(["begin", "count things", "--files", "a.swift", "b.swift", "c.swift"], environment: env, directory: dir).status == 0)
        let tiers = try daemon.client().memoryTiers()
        let counts = Dictionary(uniqueKeysWithValues: tiers.constructs.map { ($0.name, $0) })
        #expect(counts["active-file-claims"]?.count == 3 && counts["active-file-claims"]?.tier == "core")
        #expect(counts["active-sessions"]?.count == 1 && counts["live-agents"]?.count == 1)
        #expect(tiers.totals["core"] == tiers.constructs.filter { $0.tier == "core" }.reduce(0) { $0 + $1.count })
        let archived = try daemon.pd(["memory", "tier", "archived-notes"])
        #expect(archived.status == 0 && archived.stdout.contains("archived-notes: archival"), "\(archived.stdout)")
        let unknown = try daemon.pd(["memory", "tier", "dreams"])
        #expect(unknown.status == 5 && unknown.stderr.contains("active-file-claims"), "\(unknown.stderr)")
    }

    @Test("a finding note becomes one episode; after pd done (handoff) the session counts as covered")
    func episodes() throws {
        let daemon = try TestDaemon()
        _ = try daemon.start()
        let env = ["PD_AGENT_ID": "historian"]
        #expect(try daemon.pd(["begin", "dig", "--identity", "ruins:site"], environment: env).status == 0)
        #expect(try daemon.pd(["note", "plain note"], environment: env).status == 0)
        #expect(try daemon.pd(["note", "the wall is Roman", "--type", "finding"], environment: env).status == 0)
        let found = try daemon.client().episodes(project: "ruins", type: nil, since: nil, limit: nil).episodes
        #expect(found.count == 1 && found.first?.type == .finding && found.first?.text == "the wall is Roman")
        #expect(found.first?.identity == "ruins:site" && found.first?.agent == "historian")
        #expect(try daemon.pd(["done", "dig site handed over"], environment: env).status == 0)
        let stats = try daemon.client().episodeStats(project: "ruins")
        #expect(stats.byType["finding"] == 1 && stats.byType["handoff"] == 1)
        #expect(stats.endedSessions == 1 && stats.coverage == 1)
        #expect(try daemon.pd(["memory", "episodes", "--type", "vibes"]).status == 2)
    }

    @Test("a run's and a sortie's outcome become outcome episodes")
    func outcomes() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("DONE", 1, 1)])])
        #expect(try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--identity", "dig:bot", "--", "dig"]).status == 0)
        #expect(try bench.pd(["sortie", "--backend", "claude-cli", "--budget", "1", "--identity", "dig:bot", "--", "survey"]).status == 0)
        let outcomes = try bench.daemon.client().episodes(project: "dig", type: "outcome", since: nil, limit: nil).episodes
        #expect(outcomes.count == 2, "\(outcomes)")
        #expect(outcomes.contains { $0.source.hasPrefix("sortie:") && $0.text.contains("succeeded") && $0.text.contains("DONE") })
        #expect(outcomes.contains { $0.source.hasPrefix("run:") })
        let listed = try bench.pd(["memory", "episodes", "--type", "outcome"])
        #expect(listed.stdout.contains("[outcome]"), "\(listed.stdout)")
    }
}
