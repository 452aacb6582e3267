import Foundation
import PortDaddyAPI
import Testing

@testable import PortDaddyCore

@Suite("Harbors")
struct HarborTests {
    @Test("a closed harbor refuses non-members' writes; members write")
    func closed() throws {
        let h = Harness()
        defer { h.cleanup() }
        let memory = try MemoryServices(store: try h.store(), clock: h.clock)
        _ = try memory.harbors.create(HarborCreateRequest(name: "crew", closed: true), by: "alice")
        let tuple = TupleOutRequest(harbor: "crew", tuple: [.string("x")])
        #expect(throws: PortDaddyError.notHarborMember(harbor: "crew", agent: "bob")) { try memory.tuples.out(tuple, writer: "bob") }
        #expect(throws: PortDaddyError.self) {
            try memory.pheromones.spray(PheromoneSprayRequest(harbor: "crew", kind: "custom", id: "x", key: "k", strength: 0.1), by: nil)
        }
        _ = try memory.tuples.out(tuple, writer: "alice")
        _ = try memory.harbors.enter("crew", agent: "bob")
        _ = try memory.tuples.out(tuple, writer: "bob")
        #expect(try memory.harbors.info("crew").tuples == 2)
    }

    @Test("an ephemeral harbor is shredded with its tuples and pheromones when its last member leaves or dies")
    func ephemeral() throws {
        let h = Harness()
        defer { h.cleanup() }
        let memory = try MemoryServices(store: try h.store(), clock: h.clock)
        for (name, leaves) in [("temp:a", true), ("temp:b", false)] {
            _ = try memory.harbors.create(HarborCreateRequest(name: name, ephemeral: true), by: "alice")
            _ = try memory.tuples.out(TupleOutRequest(harbor: name, tuple: [.string("x")]), writer: "alice")
            _ = try memory.pheromones.spray(PheromoneSprayRequest(harbor: name, kind: "custom", id: "x", key: "k", strength: 0.5), by: "alice")
            if leaves { _ = try memory.harbors.leave(name, agent: "alice") } else { memory.harbors.agentsLeft(["alice"]) }
            let gone = try memory.harbors.info(name)
            #expect(!gone.declared && gone.tuples == 0 && gone.pheromones == 0, "\(name)")
        }
    }

    @Test("harbors and memberships survive a reopen; an expired harbor is destroyed on the reaper pass")
    func durable() throws {
        let h = Harness()
        defer { h.cleanup() }
        _ = try MemoryServices(store: try h.store(), clock: h.clock).harbors.create(
            HarborCreateRequest(name: "review", closed: true, ttl: DurationValue(seconds: 60)), by: "alice")
        let memory = try MemoryServices(store: try h.store(), clock: h.clock)
        #expect(try memory.harbors.info("review").members.map(\.agent) == ["alice"])
        h.clock.advance(seconds: 61)
        #expect(memory.prune().harbors == ["review"])
        #expect(try !memory.harbors.info("review").declared)
    }
}
