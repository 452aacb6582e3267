import Foundation
import PortDaddyAPI
import Testing

@testable import PortDaddyCore

/// The coordination graph on real SQLite with an injected clock: durable edges recorded from the coordination,
/// changelog and salvage write paths, live edges derived from current state, walks around a node, stats, pruning.
@Suite("Graph")
struct GraphTests {
    /// A coordination service whose observer records graph edges, with its graph and changelog.
    struct World {
        let h: Harness
        let store: SQLiteStore
        let coordination: CoordinationService
        let locks: LockService
        let graph: CoordinationGraph
        let changelog: Changelog

        init(_ h: Harness) throws {
            self.h = h
            store = try h.store()
            let memory = try MemoryServices(store: store, clock: h.clock)
            let recorder = GraphRecorder(store: store, clock: h.clock)
            let claims = try h.service()
            locks = try LockService(store: store, processes: h.processes, clock: h.clock)
            coordination = CoordinationService(
                store: store, claims: claims, locks: locks, processes: h.processes, clock: h.clock,
                observer: MemoryObserver(pheromones: memory.pheromones, harbors: memory.harbors, graph: recorder))
            graph = CoordinationGraph(recorder: recorder, coordination: coordination, locks: locks, claims: claims)
            changelog = Changelog(store: store, clock: h.clock, graph: recorder)
        }

        func edges(_ kind: GraphEdgeKind, node: String? = nil, depth: Int = 1) throws -> [GraphEdge] {
            try graph.edges(around: node.map { try CoordinationGraph.node($0) }, kind: kind, depth: depth).edges
        }
    }

    static let a = "file:/src/a.swift", b = "file:/src/b.swift", c = "file:/src/c.swift"

    @Test("two files claimed in one session: co-claimed weight 1; the same pair in a second session: 2; again in one session: still 2")
    func coClaimedCountsSessions() throws {
        let h = Harness()
        defer { h.cleanup() }
        let w = try World(h)
        _ = try w.coordination.begin(purpose: "one", agent: "alice", identity: nil, files: ["/src/a.swift", "/src/b.swift"], pid: nil)
        var edges = try w.edges(.coClaimed)
        #expect(edges.map { [$0.from, $0.to] } == [[Self.a, Self.b]])
        #expect(edges.first?.weight == 1 && edges.first?.durable == true)
        // A third file pairs with both; claiming a held file again, or releasing and re-claiming, counts nothing.
        _ = try w.coordination.claimFiles(agent: "alice", paths: ["/src/c.swift", "/src/a.swift"], force: false)
        try w.coordination.releaseFiles(agent: "alice", paths: ["/src/b.swift"])
        _ = try w.coordination.claimFiles(agent: "alice", paths: ["/src/b.swift"], force: false)
        edges = try w.edges(.coClaimed)
        #expect(edges.map { [$0.from, $0.to, String($0.weight)] } == [[Self.a, Self.b, "1"], [Self.a, Self.c, "1"], [Self.b, Self.c, "1"]])
        _ = try w.coordination.done(agent: "alice", note: nil, abandon: false)
        _ = try w.coordination.begin(purpose: "two", agent: "bob", identity: nil, files: ["/src/b.swift", "/src/a.swift"], pid: nil)
        edges = try w.edges(.coClaimed)
        #expect(edges.first { $0.from == Self.a && $0.to == Self.b }?.weight == 2)
        #expect(edges.first { $0.from == Self.a && $0.to == Self.c }?.weight == 1)
        let stats = try w.graph.stats(project: nil)
        #expect(stats.durable["co-claimed"] == 3)
        #expect(stats.topCoClaimed.first.map { [$0.from, $0.to, String($0.weight)] } == [Self.a, Self.b, "2"])
    }

    @Test("only the first files of a session form pairs")
    func coClaimLimit() throws {
        let h = Harness()
        defer { h.cleanup() }
        let w = try World(h)
        let paths = (0..<(GraphRecorder.coClaimLimit + 6)).map { "/src/f\($0).swift" }
        _ = try w.coordination.begin(purpose: "wide", agent: "alice", identity: nil, files: paths, pid: nil)
        let n = GraphRecorder.coClaimLimit
        #expect(try w.graph.stats(project: nil).durable["co-claimed"] == n * (n - 1) / 2)
    }

    @Test("a salvage claim hands the dead agent's work off: agent → agent, in the dead agent's project")
    func handedOff() throws {
        let h = Harness()
        defer { h.cleanup() }
        let w = try World(h)
        _ = try w.coordination.register(id: "crashy", identity: "shop:api", purpose: nil, pid: nil, ttlSeconds: nil)
        _ = try w.coordination.begin(purpose: "migration", agent: "crashy", identity: nil, files: ["/src/schema.sql"], pid: nil)
        #expect(try w.coordination.declareDead("crashy", why: "test"))
        _ = try w.coordination.begin(purpose: "finish", agent: "heir", identity: nil, files: [], pid: nil)
        _ = try w.coordination.claimSalvage(of: "crashy", by: "heir")
        let edges = try w.edges(.handedOff)
        #expect(edges.map { [$0.from, $0.to, String($0.weight)] } == [["agent:crashy", "agent:heir", "1"]])
        #expect(try w.graph.stats(project: "shop").durable["handed-off"] == 1)
        #expect(try w.graph.stats(project: "other").durable["handed-off"] == nil)
    }

    @Test("a changelog entry written from a session: session → identity; without a session: no edge")
    func changed() throws {
        let h = Harness()
        defer { h.cleanup() }
        let w = try World(h)
        _ = try w.changelog.add(identity: "shop:api", summary: "one", agent: "alice", session: "ses-1")
        _ = try w.changelog.add(identity: "Shop:API", summary: "two", agent: "alice", session: "ses-1")
        _ = try w.changelog.add(identity: "shop:web", summary: "no session", agent: "alice", session: nil)
        let edges = try w.edges(.changed)
        #expect(edges.map { [$0.from, $0.to, String($0.weight)] } == [["session:ses-1", "identity:shop:api", "2"]])
    }

    @Test("spawned edges: sortie → run → agent")
    func spawned() throws {
        let h = Harness()
        defer { h.cleanup() }
        let w = try World(h)
        w.graph.recorder.spawned(run: "run-1", agent: "agent-1", sortie: "sortie-1", identity: "shop")
        let around = try w.graph.edges(around: try CoordinationGraph.node("run:run-1"), kind: .spawned, depth: 1)
        #expect(around.edges.map { [$0.from, $0.to] } == [["run:run-1", "agent:agent-1"], ["sortie:sortie-1", "run:run-1"]])
        #expect(Set(around.nodes.map(\.kind)) == [.agent, .run, .sortie])
    }

    @Test("live edges from current state, and walks around a node through live and durable edges")
    func liveAndWalk() async throws {
        let h = Harness()
        defer { h.cleanup() }
        let w = try World(h)
        let (session, _, _) = try w.coordination.begin(
            purpose: "edit", agent: "alice", identity: "shop:web", files: ["/src/a.swift", "/src/b.swift"], pid: nil)
        _ = try await w.locks.acquire(LockCommand(name: try LockName(parsing: "db"), owner: "alice", pid: nil, ttlSeconds: 3600))
        let live = try w.graph.edges(around: nil, kind: nil).edges.filter { !$0.durable }
        let sessionNode = "session:" + session.id
        #expect(
            Set(live.map { "\($0.kind.rawValue) \($0.from) \($0.to)" }) == [
                "runs agent:alice \(sessionNode)", "claims-file \(sessionNode) \(Self.a)", "claims-file \(sessionNode) \(Self.b)",
                "claims-port \(sessionNode) identity:shop:web", "held-by lock:db agent:alice", "port-of identity:shop:web agent:alice",
            ])
        // Depth 1 around a file: its session and its co-claimed partner; depth 2 reaches the agent and the other file's claim.
        let one = try w.graph.edges(around: try CoordinationGraph.node("file:/src/./a.swift"), kind: nil, depth: 1)
        #expect(Set(one.edges.map(\.kind)) == [.claimsFile, .coClaimed])
        #expect(one.nodes.map(\.id) == [Self.a, Self.b, sessionNode])
        let two = try w.graph.edges(around: try CoordinationGraph.node(Self.a), kind: nil, depth: 2)
        #expect(Set(two.nodes.map(\.id)).isSuperset(of: ["agent:alice", "identity:shop:web", Self.b]))
        #expect(two.edges.filter { $0.kind == .claimsFile }.count == 2)
        let stats = try w.graph.stats(project: nil)
        #expect(stats.live == ["runs": 1, "claims-file": 2, "claims-port": 1, "held-by": 1, "port-of": 1])
    }

    @Test("nodes are normalized as elsewhere; bad nodes, kinds and depths are refused")
    func refusals() throws {
        let h = Harness()
        defer { h.cleanup() }
        let w = try World(h)
        #expect(try CoordinationGraph.node("identity:Shop:API").id == "identity:shop:api")
        #expect(try CoordinationGraph.node("lock:DB:Migrate").id == "lock:db:migrate")
        #expect(try CoordinationGraph.node("file:/src/x/../a.swift").id == Self.a)
        #expect(try CoordinationGraph.node("agent:Alice").id == "agent:alice")
        #expect(throws: PortDaddyError.self) { try CoordinationGraph.node("identity:a:b:c:d:e") }
        for raw in ["alice", "robot:x", "agent:", "file:relative/path"] {
            #expect(throws: PortDaddyError.self) { try CoordinationGraph.node(raw) }
        }
        #expect(throws: PortDaddyError.self) { try CoordinationGraph.kind("likes") }
        #expect(throws: PortDaddyError.self) { try w.graph.edges(around: nil, kind: nil, depth: 0) }
        #expect(throws: PortDaddyError.self) { try w.graph.edges(around: nil, kind: nil, depth: CoordinationGraph.maxDepth + 1) }
    }

    @Test("edges not recorded for 180 days are pruned; a pair recorded again is kept")
    func prune() throws {
        let h = Harness()
        defer { h.cleanup() }
        let w = try World(h)
        _ = try w.coordination.begin(purpose: "old", agent: "alice", identity: nil, files: ["/src/a.swift", "/src/b.swift"], pid: nil)
        _ = try w.coordination.begin(purpose: "old", agent: "bob", identity: nil, files: ["/src/c.swift", "/src/d.swift"], pid: nil)
        h.clock.advance(seconds: 100 * 86400)
        _ = try w.coordination.done(agent: "alice", note: nil, abandon: false)
        _ = try w.coordination.begin(purpose: "new", agent: "alice", identity: nil, files: ["/src/a.swift", "/src/b.swift"], pid: nil)
        h.clock.advance(seconds: 81 * 86400)
        #expect(try w.graph.recorder.prune() == 1)
        #expect(try w.edges(.coClaimed).map { [$0.from, $0.to, String($0.weight)] } == [[Self.a, Self.b, "2"]])
    }
}
