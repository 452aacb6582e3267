import Foundation
import PortDaddyAPI
import Testing

@testable import PortDaddyCore

/// The tuple space on real SQLite with an injected clock.
@Suite("Tuple space")
struct TupleSpaceTests {
    func memory(_ h: Harness) throws -> MemoryServices { try MemoryServices(store: try h.store(), clock: h.clock) }

    func values(_ json: String) -> [JSONValue] {
        guard case .array(let items)? = JSONValue.parse(json) else { fatalError("not an array: \(json)") }
        return items
    }

    func query(_ pattern: String, takes: Bool = false, all: Bool = false, wait: Double? = nil, harbor: String? = nil) throws(PortDaddyError)
        -> TupleSpace.Query
    {
        try TupleSpace.query(
            TupleQueryRequest(harbor: harbor, pattern: values(pattern), wait: wait.map(DurationValue.init(seconds:)), all: all ? true : nil),
            takes: takes, agent: nil)
    }

    @Test("the pattern language: values, numbers numerically, *, comparisons, identity patterns, $eq")
    func patterns() async throws {
        let h = Harness()
        defer { h.cleanup() }
        let space = try memory(h).tuples
        for tuple in [
            #"["connection","db","a",0.9]"#, #"["connection","db","b",0.5]"#, #"["svc","myapp:api"]"#, #"["svc","other:api"]"#, #"["lit","*"]"#,
        ] {
            _ = try space.out(TupleOutRequest(tuple: values(tuple)), writer: nil)
        }
        #expect(try await space.find(query(#"["connection","*","*",">0.7"]"#, all: true)).map(\.tuple) == [values(#"["connection","db","a",0.9]"#)])
        #expect(try await space.find(query(#"["connection","*","*","<=0.5"]"#)).count == 1)
        #expect(try await space.find(query(#"["connection","db","b",0.50]"#)).count == 1)  // 0.50 == 0.5
        #expect(try await space.find(query(#"["svc","myapp:*"]"#, all: true)).map(\.tuple) == [values(#"["svc","myapp:api"]"#)])
        #expect(try await space.find(query(#"["lit",{"$eq":"*"}]"#)).count == 1)
        await #expect(throws: PortDaddyError.self) { try await space.find(query(#"["svc","nobody:*"]"#)) }
        // Bad patterns name the element's index.
        for (bad, index) in [(#"["a",{"x":1}]"#, 1), (#"["<html>"]"#, 0), (#"["a","b","a b*"]"#, 2)] {
            do {
                _ = try query(bad)
                Issue.record("\(bad) was accepted")
            } catch {
                #expect(error.code == .invalidPattern && error.description.contains("element \(index)"), "\(bad): \(error)")
            }
        }
    }

    @Test("in takes atomically: of 50 concurrent takers exactly one gets the tuple")
    func oneTaker() async throws {
        let h = Harness()
        defer { h.cleanup() }
        let space = try memory(h).tuples
        _ = try space.out(TupleOutRequest(tuple: values(#"["task",1]"#)), writer: nil)
        let q = try query(#"["task","*"]"#, takes: true)
        let winners = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { (try? await space.find(q))?.count ?? 0 } }
            return await group.reduce(0, +)
        }
        #expect(winners == 1)
        #expect(try space.scan(harbor: nil, limit: 10).isEmpty)
    }

    @Test("waiters: readers all see a new tuple, the first taker in arrival order gets it, a timeout fails the rest")
    func waiters() async throws {
        let h = Harness()
        defer { h.cleanup() }
        let space = try memory(h).tuples
        let readers = (0..<3).map { _ in Task { try await space.find(try query(#"["job","*"]"#, wait: 60)) } }
        let first = Task { try await space.find(try query(#"["job","*"]"#, takes: true, wait: 60)) }
        while space.waiting < 4 { await Task.yield() }
        let second = Task { try await space.find(try query(#"["job","*"]"#, takes: true, wait: 60)) }
        while space.waiting < 5 { await Task.yield() }
        let written = try space.out(TupleOutRequest(tuple: values(#"["job",7]"#)), writer: "w")
        for reader in readers { #expect(try await reader.value.map(\.id) == [written.id]) }
        #expect(try await first.value.map(\.id) == [written.id])
        #expect(space.waiting == 1)  // the second taker still waits: the tuple was taken
        #expect(try space.scan(harbor: nil, limit: 10).isEmpty)
        second.cancel()
        await #expect(throws: CancellationError.self) { try await second.value }
        #expect(space.waiting == 0)
        // Shutdown fails waiters with CancellationError (answered 503 SHUTTING_DOWN).
        let waiting = Task { try await space.find(try query(#"["never"]"#, wait: 60)) }
        while space.waiting < 1 { await Task.yield() }
        space.cancelAllWaiters()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }

    @Test("TTLs: an expired tuple is invisible, then pruned; tuples survive a reopen of the store")
    func ttlAndRestart() async throws {
        let h = Harness()
        defer { h.cleanup() }
        var space = try memory(h).tuples
        _ = try space.out(TupleOutRequest(tuple: values(#"["short"]"#), ttl: DurationValue(seconds: 1)), writer: nil)
        _ = try space.out(TupleOutRequest(tuple: values(#"["long"]"#)), writer: nil)
        h.clock.advance(seconds: 1.5)
        await #expect(throws: PortDaddyError.self) { try await space.find(query(#"["short"]"#)) }
        #expect(try space.prune() == 1)
        space = try memory(h).tuples
        #expect(try await space.find(query(#"["long"]"#)).count == 1)
    }

    @Test("limits: 64 elements, 16 KiB")
    func limits() throws {
        let h = Harness()
        defer { h.cleanup() }
        let space = try memory(h).tuples
        #expect(throws: PortDaddyError.self) { try space.out(TupleOutRequest(tuple: Array(repeating: .number(1), count: 65)), writer: nil) }
        #expect(throws: PortDaddyError.self) {
            try space.out(TupleOutRequest(tuple: [.string(String(repeating: "x", count: 16 * 1024))]), writer: nil)
        }
        #expect(try space.out(TupleOutRequest(tuple: Array(repeating: .number(1), count: 64)), writer: nil).tuple.count == 64)
    }

    @Test("a harbor holds at most 100,000 live tuples (TUPLE_SPACE_FULL); other harbors still take tuples")
    func harborLimit() throws {
        let h = Harness()
        defer { h.cleanup() }
        let store = try h.store()
        let space = try MemoryServices(store: store, clock: h.clock).tuples
        // Filled in one statement (100,000 separate outs would only test patience).
        try store.guardedWrite { db in
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                    INSERT INTO tuples (harbor, arity, head, body, writer, created_at, expires_at)
                    SELECT 'full', 2, '"x"', '["x",' || i || ']', NULL, 0, NULL FROM n
                    """, arguments: [TupleLimits.maxPerHarbor - 1])
        }
        #expect(try space.out(TupleOutRequest(harbor: "full", tuple: values(#"["x",0]"#)), writer: nil).harbor == "full")
        #expect(throws: PortDaddyError.tupleSpaceFull(harbor: "full")) {
            try space.out(TupleOutRequest(harbor: "full", tuple: values(#"["x",-1]"#)), writer: nil)
        }
        #expect(try space.out(TupleOutRequest(harbor: "roomy", tuple: values(#"["x",1]"#)), writer: nil).harbor == "roomy")
    }
}
