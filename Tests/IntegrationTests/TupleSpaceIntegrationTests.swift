import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

/// The tuple space through the real `pd` and daemon.
@Suite("Tuple space across real processes")
struct TupleSpaceIntegrationTests {
    func waiting(_ daemon: TestDaemon) throws -> Int { try daemon.client().tuples(harbor: nil, limit: 1).waiting ?? 0 }

    @Test("50 waiting pd tuple in and one out: exactly one gets it, 49 time out (exit 4)")
    func exactlyOneTaker() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let takers = try (0..<50).map { _ in try daemon.spawnPD(["tuple", "in", #"["task","*"]"#, "--wait", "10s"]) }
        #expect(try eventually { try waiting(daemon) == 50 })
        #expect(try daemon.pd(["tuple", "out", #"["task","build"]"#]).status == 0)
        let results = takers.map { $0.wait() }
        let winners = results.filter { $0.status == 0 }
        #expect(winners.count == 1)
        #expect(winners.first?.output == #"["task","build"]"#)
        #expect(results.filter { $0.status == 4 }.count == 49, "\(Set(results.map(\.status)))")
        #expect(try daemon.client().tuples(harbor: nil, limit: 10).tuples.isEmpty)
    }

    @Test("50 takers and 50 outs: every taker gets a distinct tuple, none is lost; 10 waiting rd all see one")
    func everyTakerServed() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let takers = try (0..<50).map { _ in try daemon.spawnPD(["tuple", "in", #"["item","*"]"#, "--wait", "60s"]) }
        let writers = try (0..<50).map { n in try daemon.spawnPD(["tuple", "out", "[\"item\",\(n)]"]) }
        #expect(writers.map { $0.wait().status }.allSatisfy { $0 == 0 })
        let results = takers.map { $0.wait() }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        #expect(Set(results.map(\.output)).count == 50)
        #expect(try daemon.client().tuples(harbor: nil, limit: 10).tuples.isEmpty)

        let readers = try (0..<10).map { _ in try daemon.spawnPD(["tuple", "rd", #"["news","*"]"#, "--wait", "60s"]) }
        #expect(try eventually { try waiting(daemon) == 10 })
        #expect(try daemon.pd(["tuple", "out", #"["news","shipped"]"#]).status == 0)
        #expect(readers.map { $0.wait() }.allSatisfy { $0.status == 0 && $0.output == #"["news","shipped"]"# })
        #expect(try daemon.client().tuples(harbor: nil, limit: 10).tuples.count == 1)  // readers leave it
    }

    @Test("patterns: comparisons, identity patterns, $eq; a bad pattern is exit 2 naming the element; TTL; rm")
    func patterns() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_REAP_INTERVAL": "0.2"])
        try daemon.start()
        for tuple in [#"["connection","db","a",0.9]"#, #"["connection","db","b",0.5]"#, #"["svc","myapp:api"]"#, #"["lit","*"]"#] {
            #expect(try daemon.pd(["tuple", "out", tuple]).status == 0)
        }
        #expect(try daemon.pd(["tuple", "rd", #"["connection","*","*",">0.7"]"#, "--all"]).output == #"["connection","db","a",0.9]"#)
        #expect(try daemon.pd(["tuple", "rd", #"["svc","myapp:*"]"#]).output == #"["svc","myapp:api"]"#)
        #expect(try daemon.pd(["tuple", "rd", #"["lit",{"$eq":"*"}]"#]).status == 0)
        #expect(try daemon.pd(["tuple", "rd", #"["svc","other:*"]"#]).status == 5)
        let bad = try daemon.pd(["tuple", "rd", #"["a",{"x":1}]"#])
        #expect(bad.status == 2 && bad.stderr.contains("element 1"), "\(bad.stderr)")
        // The daemon refuses it too, with 400 INVALID_PATTERN (for callers other than pd).
        var refusal: ClientError?
        do { _ = try daemon.client().tupleRead(TupleQueryRequest(pattern: [.string("x"), .string("<html>")])) } catch { refusal = error }
        guard case .daemon(let status, let body)? = refusal else {
            throw TestFailure("the daemon accepted a bad pattern: \(String(describing: refusal))")
        }
        #expect(status == 400 && body.code == "INVALID_PATTERN" && body.error.contains("element 1"), "\(body)")
        #expect(try daemon.pd(["tuple", "out", #"["short"]"#, "--ttl", "1s"]).status == 0)
        #expect(try eventually { try daemon.pd(["tuple", "rd", #"["short"]"#]).status == 5 })
        let id = try daemon.pd(["tuple", "out", #"["gone"]"#]).output
        #expect(try daemon.pd(["tuple", "rm", id]).status == 0)
        #expect(try daemon.pd(["tuple", "rm", id]).status == 5)
        #expect(try daemon.pd(["tuple", "in", #"["gone"]"#]).status == 5)
    }

    @Test("tuples survive a restart; a waiter whose connection closes leaves the queue; shutdown fails waiters with 503")
    func lifecycle() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        #expect(try daemon.pd(["tuple", "out", #"["kept",1]"#, "--harbor", "crew"]).status == 0)
        let quitter = try daemon.spawnPD(["tuple", "in", #"["late"]"#, "--wait", "60s"])
        #expect(try eventually { try waiting(daemon) == 1 })
        kill(quitter.pid, SIGKILL)
        _ = quitter.wait()
        #expect(try eventually { try waiting(daemon) == 0 })
        #expect(try daemon.pd(["tuple", "out", #"["late"]"#]).status == 0)
        #expect(try daemon.pd(["tuple", "rd", #"["late"]"#]).status == 0)  // nobody took it

        let stranded = try daemon.spawnPD(["tuple", "rd", #"["never"]"#, "--wait", "60s"])
        #expect(try eventually { try waiting(daemon) == 1 })
        daemon.stop()
        let result = stranded.wait()
        #expect(result.status == 3 && result.stderr.contains("shutting down"), "\(result.status) \(result.stderr)")

        try daemon.start()
        #expect(try daemon.pd(["tuple", "rd", #"["kept","*"]"#, "--harbor", "crew"]).output == #"["kept",1]"#)
        let scan = try daemon.pd(["tuple", "scan", "--harbor", "crew", "--json"])
        #expect(try JSONDecoder().decode(TuplesResponse.self, from: Data(scan.stdout.utf8)).tuples.count == 1)
    }
}
