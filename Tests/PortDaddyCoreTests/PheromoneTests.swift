import Foundation
import PortDaddyAPI
import Testing

@testable import PortDaddyCore

/// Pheromones on real SQLite with an injected clock: decay, modes, exact sums, pruning, and the automatic heat of
/// file claims.
@Suite("Pheromones")
struct PheromoneTests {
    func spray(_ p: PheromoneService, strength: Double, mode: PheromoneMode = .add, halfLife: Double = 60, key: String = "k") throws -> PheromoneInfo
    {
        try p.spray(
            PheromoneSprayRequest(
                kind: "service", id: "myapp:api", key: key, strength: strength, mode: mode, halfLife: DurationValue(seconds: halfLife)),
            by: nil)
    }

    @Test("the value decays as v0·2^−(age/halfLife), read time only")
    func decay() throws {
        let h = Harness()
        defer { h.cleanup() }
        let p = try MemoryServices(store: try h.store(), clock: h.clock).pheromones
        _ = try spray(p, strength: 0.8, halfLife: 10)
        h.clock.advance(seconds: 10)
        #expect(abs(try p.sniff(kind: "service", id: "myapp:api", harbor: nil).total - 0.4) < 0.004)
        h.clock.advance(seconds: 20)
        #expect(abs(try p.sniff(kind: "service", id: "myapp:api", harbor: nil).total - 0.1) < 0.001)
    }

    @Test("add reinforces (capped at 1), set overwrites, max keeps the larger")
    func modes() throws {
        let h = Harness()
        defer { h.cleanup() }
        let p = try MemoryServices(store: try h.store(), clock: h.clock).pheromones
        #expect(try spray(p, strength: 0.6).value == 0.6)
        #expect(try spray(p, strength: 0.6).value == 1)
        #expect(try spray(p, strength: 0.3, mode: .set).value == 0.3)
        #expect(try spray(p, strength: 0.2, mode: .max).value == 0.3)
        #expect(try spray(p, strength: 0.5, mode: .max).value == 0.5)
        #expect(throws: PortDaddyError.self) { try spray(p, strength: 1.5) }
    }

    @Test("concurrent adds sum exactly")
    func exactSums() async throws {
        let h = Harness()
        defer { h.cleanup() }
        let p = try MemoryServices(store: try h.store(), clock: h.clock).pheromones
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<16 { group.addTask { _ = try? spray(p, strength: 0.05) } }
        }
        #expect(abs(try p.sniff(kind: "service", id: "myapp:api", harbor: nil).total - 0.8) < 1e-9)
    }

    @Test("faded rows are pruned")
    func prune() throws {
        let h = Harness()
        defer { h.cleanup() }
        let p = try MemoryServices(store: try h.store(), clock: h.clock).pheromones
        _ = try spray(p, strength: 1, halfLife: 1, key: "fast")
        _ = try spray(p, strength: 1, halfLife: 3600, key: "slow")
        h.clock.advance(seconds: 11)  // 2^-11 < 0.001
        #expect(try p.prune() == 1)
        #expect(try p.list(min: 0, harbor: nil).map(\.key) == ["slow"])
    }

    @Test("a refused file claim sprays contention, a granted one interest; files lists them with holders")
    func automaticContention() throws {
        let h = Harness()
        defer { h.cleanup() }
        let store = try h.store()
        let memory = try MemoryServices(store: store, clock: h.clock)
        let claims = try h.service()
        let locks = try LockService(store: store, processes: h.processes, clock: h.clock)
        let coordination = CoordinationService(
            store: store, claims: claims, locks: locks, processes: h.processes, clock: h.clock,
            observer: MemoryObserver(pheromones: memory.pheromones, harbors: memory.harbors))
        _ = try coordination.begin(purpose: "a", agent: "alice", identity: nil, files: [], pid: nil)
        _ = try coordination.begin(purpose: "b", agent: "bob", identity: nil, files: [], pid: nil)
        _ = try coordination.claimFiles(agent: "alice", paths: ["/src/a.swift"], force: false)
        #expect(throws: PortDaddyError.self) { try coordination.claimFiles(agent: "bob", paths: ["/src/a.swift"], force: false) }
        let files = try memory.pheromones.hottestFiles(limit: 10, harbor: nil, claims: try coordination.files())
        #expect(files.count == 1)
        #expect(files.first?.path == "/src/a.swift" && files.first?.holders == ["alice"])
        #expect(abs((files.first?.keys["contention"] ?? 0) - 0.2) < 1e-9 && abs((files.first?.keys["interest"] ?? 0) - 0.05) < 1e-9)
        #expect(abs((files.first?.heat ?? 0) - 0.25) < 1e-9)
    }
}
