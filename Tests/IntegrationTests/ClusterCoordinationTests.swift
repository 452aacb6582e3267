import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// Two real daemons, nodes `a` and `b`, sharing agents, sessions, notes, file claims and salvage through one private
/// PostgreSQL.
@Suite("Cluster coordination: agents, notes, file claims and salvage shared by two nodes")
struct ClusterCoordinationTests {
    /// A PostgreSQL and two daemons joined to it; `close()` tears all of it down.
    final class Bench {
        let server: PostgresServer
        let passwordDir: String
        let a: TestDaemon
        let b: TestDaemon

        init() throws {
            let server = try PostgresServer.start()
            self.server = server
            var template = Array("/tmp/pdt-cc-XXXXXX".utf8CString)
            guard let dir = mkdtemp(&template).map({ String(cString: $0) }) else {
                server.teardown()
                throw TestFailure("mkdtemp failed")
            }
            passwordDir = dir
            do {
                let password = try server.writePasswordFile(in: dir)
                let url = server.url
                func node(_ name: String) throws -> TestDaemon {
                    try TestDaemon(environment: [
                        "PORT_DADDY_CLUSTER_URL": url, "PORT_DADDY_CLUSTER_PASSWORD_FILE": password, "PORT_DADDY_NODE": name,
                        "PORT_DADDY_CLUSTER_LEASE": "3", "PORT_DADDY_CLUSTER_GRACE": "1", "PORT_DADDY_REAP_INTERVAL": "1",
                    ])
                }
                let a = try node("a"), b = try node("b")
                self.a = a
                self.b = b
                try a.start()
                try b.start()
            } catch {
                server.teardown()
                try? FileManager.default.removeItem(atPath: dir)
                throw error
            }
        }

        func close() {
            a.stop(signal: SIGKILL)
            b.stop(signal: SIGKILL)
            server.teardown()
            try? FileManager.default.removeItem(atPath: passwordDir)
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ result: CommandResult) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(result.stdout.utf8))
    }

    @Test("an agent begun on node a is listed by node b, its note is read on b, and its file claim conflicts on b")
    func sharedAgentsNotesClaims() throws {
        let bench = try Bench()
        defer { bench.close() }
        let alice = ["PD_AGENT_ID": "alice"], bob = ["PD_AGENT_ID": "bob"]
        let file = bench.passwordDir + "/shared.swift"

        let begun = try bench.a.pd(["begin", "edit shared", "--files", file], environment: alice)
        #expect(begun.status == 0, "\(begun.stderr)")
        let agents = try decode(AgentsResponse.self, try bench.b.pd(["agents", "--json"]))
        let listed = try #require(agents.agents.first { $0.id == "alice" })
        #expect(listed.state == "alive")
        #expect(listed.activeSession != nil)

        #expect(try bench.a.pd(["note", "halfway through the parser"], environment: alice).status == 0)
        let notes = try bench.b.pd(["notes", "--json"], environment: alice)
        #expect(notes.status == 0, "\(notes.stderr)")
        #expect(try decode(NotesResponse.self, notes).notes.map(\.text).contains("halfway through the parser"))

        #expect(try bench.b.pd(["begin", "also edit"], environment: bob).status == 0)
        let blocked = try bench.b.pd(["claim-files", file], environment: bob)
        #expect(blocked.status == 4)
        #expect(blocked.stderr.contains("alice"), "\(blocked.stderr)")
        #expect(try bench.b.pd(["who-owns", file]).stdout.contains("alice"))

        // Ending the session on a frees the path for b, with a larger fencing token.
        #expect(try bench.a.pd(["done"], environment: alice).status == 0)
        let claimed = try bench.b.pd(["claim-files", file], environment: bob)
        #expect(claimed.status == 0, "\(claimed.stderr)")
    }

    @Test("kill -9 of node a's daemon: node b declares a's agent dead once a's lease and grace ran out and lists its work in salvage")
    func killedNodeSalvaged() throws {
        let bench = try Bench()
        defer { bench.close() }
        let crashy = ["PD_AGENT_ID": "crashy"]
        let begun = try bench.a.pd(["begin", "half-done migration", "--files", bench.passwordDir + "/schema.sql"], environment: crashy)
        #expect(begun.status == 0, "\(begun.stderr)")
        #expect(try bench.a.pd(["note", "step 3 of 5 done", "--type", "handoff"], environment: crashy).status == 0)
        // While node a lives, b's reaper leaves its agent alone.
        let before = try decode(AgentsResponse.self, try bench.b.pd(["agents", "--json"]))
        #expect(before.agents.first { $0.id == "crashy" }?.state == "alive")

        bench.a.stop(signal: SIGKILL)
        var entry: SalvageInfo?
        _ = eventually(timeout: 90) {
            entry = (try? decode(SalvageResponse.self, try bench.b.pd(["salvage", "--json"])))?.salvage.first { $0.agentID == "crashy" }
            return entry != nil
        }
        let salvaged = try #require(entry, "node b never listed crashy in salvage: \(bench.b.daemonLog)")
        #expect(salvaged.sessions.first?.notes.map(\.text) == ["step 3 of 5 done"])
        #expect(salvaged.sessions.first?.files == [bench.passwordDir + "/schema.sql"])
        let after = try decode(AgentsResponse.self, try bench.b.pd(["agents", "--json"]))
        #expect(after.agents.first { $0.id == "crashy" }?.state == "dead")
    }
}
