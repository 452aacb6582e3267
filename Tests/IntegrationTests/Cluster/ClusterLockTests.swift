import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

@Suite("Cluster mode: locks shared by daemons through a real PostgreSQL", .serialized)
struct ClusterLockTests {
    @Test("50 with-lock processes spread over two nodes never overlap and see strictly increasing tokens")
    func contention() throws {
        let cluster = try ClusterFixture()
        let a = try cluster.start("a"), b = try cluster.start("b")
        let log = cluster.folder + "/critical.log"
        let running = try (0..<50).map { i in
            try (i % 2 == 0 ? a : b).spawnPD([
                "with-lock", "shared:resource", "--wait", "300s", "--", "/bin/sh", "-c", CriticalSectionLog.script, "sh", log,
            ])
        }
        let results = running.map { $0.wait() }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.filter { $0.status != 0 }.map(\.stderr))")
        let tokens = try CriticalSectionLog.tokens(at: log, sections: 50)
        #expect(tokens == Array(1...50), "tokens in order of entry: \(tokens)")
        #expect(try a.client().locks().count == 0)
        #expect(try b.client().locks().count == 0)
    }

    @Test("waiters queued on different nodes are granted first come, first served")
    func fifoAcrossNodes() throws {
        let cluster = try ClusterFixture()
        let a = try cluster.start("a"), b = try cluster.start("b")
        let me = String(getpid())
        #expect(try a.pd(["lock", "gate", "--owner", "holder", "--pid", me]).output == "1")
        var waiters: [RunningCommand] = []
        for (index, node) in [b, a, b].enumerated() {
            waiters.append(try node.spawnPD(["lock", "gate", "--wait", "120s", "--owner", "w\(index)", "--pid", me]))
            // Each queues before the next asks: the order of arrival is known.
            #expect(try eventually { try a.client().locks().locks.first?.waiters == index + 1 })
        }
        // b sees the lock and the queue a holds.
        #expect(try b.client().locks().locks.first?.owner == "holder")
        #expect(try a.pd(["unlock", "gate", "--owner", "holder"]).status == 0)
        #expect(waiters[0].wait().output == "2")
        #expect(try b.pd(["unlock", "gate", "--owner", "w0"]).status == 0)
        #expect(waiters[1].wait().output == "3")
        #expect(try a.pd(["unlock", "gate", "--owner", "w1"]).status == 0)
        #expect(waiters[2].wait().output == "4")
        // Only the holder releases, wherever it asks from.
        #expect(try a.pd(["unlock", "gate", "--owner", "someone"]).status == 7)
        #expect(try a.pd(["unlock", "gate", "--owner", "w2"]).status == 0)
    }

    @Test("kill -9 of a node holding a lock frees the lock after its lease, and its agent's session appears in salvage on the other node")
    func nodeDeathFreesLock() throws {
        let cluster = try ClusterFixture()
        let a = try cluster.start("a"), b = try cluster.start("b")
        let holder = try RunningCommand("/bin/sleep", ["300"], environment: [:])
        defer { kill(holder.pid, SIGKILL) }
        // An agent on node a begins a session and takes the lock.
        let agent = ["PD_AGENT_ID": "agent-a"]
        #expect(try a.pd(["begin", "deploy the release"], environment: agent).status == 0)
        #expect(try a.pd(["lock", "deploy", "--owner", "agent-a", "--pid", String(holder.pid), "--ttl", "10m"]).output == "1")
        let refused = try b.pd(["lock", "deploy", "--owner", "agent-b"])
        #expect(refused.status == 4 && refused.stderr.contains("agent-a"))
        a.stop(signal: SIGKILL)
        // The holder process lives on: only node a's lease decides. Within a few leases b takes it, with a larger token.
        var granted: CommandResult?
        #expect(
            try eventually(timeout: 60) {
                let attempt = try b.pd(["lock", "deploy", "--owner", "agent-b"])
                if attempt.status == 0 { granted = attempt }
                return attempt.status == 0
            })
        #expect(granted?.output == "2")
        var salvaged: SalvageInfo?
        #expect(
            try eventually(timeout: 60) {
                let listed = try JSONDecoder().decode(SalvageResponse.self, from: Data(try b.pd(["salvage", "--json"]).stdout.utf8))
                salvaged = listed.salvage.first { $0.agentID == "agent-a" }
                return salvaged != nil
            })
        #expect(salvaged?.sessions.first?.purpose == "deploy the release")
        let status = try b.client().cluster()
        #expect(status.nodes.first { $0.name == "a" }?.alive == false)
        #expect(status.nodes.first { $0.name == "b" }?.alive == true)
        // A live node cannot be forgotten; the dead one can, and then no node lists it.
        #expect(try b.pd(["cluster", "forget", "b"]).status == 2)
        let forgot = try b.pd(["cluster", "forget", "a"])
        #expect(forgot.status == 0 && forgot.stdout.contains("forgot node a"), "\(forgot.stderr)")
        #expect(try b.client().cluster().nodes.map(\.name) == ["b"])
        #expect(try b.pd(["cluster", "forget", "a"]).status == 5)
    }

    @Test("a clean stop gives the lease up: its locks free at once")
    func cleanStopFreesLocks() throws {
        let cluster = try ClusterFixture()
        let a = try cluster.start("a"), b = try cluster.start("b")
        #expect(try a.pd(["lock", "build", "--owner", "ci", "--ttl", "10m"]).status == 0)
        #expect(a.stop() == 0)
        #expect(try b.pd(["lock", "build", "--owner", "next"]).output == "2")
    }
}
