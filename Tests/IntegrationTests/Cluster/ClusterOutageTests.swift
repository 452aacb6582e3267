import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Synchronization
import Testing

@Suite("Cluster mode: PostgreSQL outages and bad settings", .serialized)
struct ClusterOutageTests {
    /// What a loop of commands saw: acknowledged results and refusals.
    final class Tally: Sendable {
        let acknowledged = Mutex<[String]>([])
        let refusals = Mutex<[String]>([])
    }

    /// PostgreSQL stopped under load: clear CLUSTER_UNAVAILABLE meanwhile and local claims still work; then the nodes
    /// reconnect by themselves, no token is given twice and no acknowledged message is lost.
    @Test("PostgreSQL stopped under load: clear errors meanwhile, reconnect after, no duplicate token, no lost message")
    func outageUnderLoad() throws {
        let cluster = try ClusterFixture()
        let a = try cluster.start("a"), b = try cluster.start("b")
        let stop = Atomic<Bool>(false)
        let published = Tally(), tokens = Tally()
        let loops = DispatchGroup()
        loops.enter()
        Thread.detachNewThread {
            defer { loops.leave() }
            var i = 0
            while !stop.load(ordering: .relaxed) {
                i += 1
                guard let r = try? a.pd(["pub", "load", "m\(i)"]) else { continue }
                if r.status == 0 {
                    published.acknowledged.withLock { $0.append("m\(i)") }
                } else {
                    published.refusals.withLock { $0.append(r.stderr) }
                }
            }
        }
        loops.enter()
        Thread.detachNewThread {
            defer { loops.leave() }
            while !stop.load(ordering: .relaxed) {
                guard let r = try? b.pd(["with-lock", "migrate", "--wait", "2s", "--", "/bin/sh", "-c", "echo $PD_LOCK_TOKEN"]) else { continue }
                if r.status == 0 { tokens.acknowledged.withLock { $0.append(r.output) } } else { tokens.refusals.withLock { $0.append(r.stderr) } }
            }
        }
        #expect(eventually { published.acknowledged.withLock { $0.count } >= 10 && tokens.acknowledged.withLock { $0.count } >= 5 })
        try cluster.postgres.stop()
        // While it is down: shared operations fail fast with one clear line and exit 3; a port claim still works.
        #expect(eventually { published.refusals.withLock { $0.count } >= 3 && tokens.refusals.withLock { $0.count } >= 2 })
        let lock = try a.pd(["lock", "during", "--owner", "x"])
        #expect(lock.status == 3, "\(lock.stderr)")
        #expect(lock.stderr.contains("unavailable") && lock.stderr.split(separator: "\n").count == 1, "\(lock.stderr)")
        let claim = try a.pd(["claim", "web:outage", "-q"])
        #expect(claim.status == 0 && Int(claim.output) != nil, "\(claim.stderr)")
        let status = try a.client().cluster()
        #expect(!status.reachable && status.outage?.contains("unavailable") == true)
        // Coordination writes refuse the same way, and nothing half-written is left behind.
        let agent = ["PD_AGENT_ID": "outage-agent"]
        let begin = try a.pd(["begin", "during the outage"], environment: agent)
        #expect(begin.status == 3 && begin.stderr.contains("unavailable"), "\(begin.stderr)")
        let before = (published.acknowledged.withLock { $0.count }, tokens.acknowledged.withLock { $0.count })
        sleep(3)
        try cluster.postgres.start()
        // Back: both loops make progress again, with no restart of either daemon.
        #expect(
            eventually(timeout: 60) {
                published.acknowledged.withLock { $0.count } > before.0 + 5 && tokens.acknowledged.withLock { $0.count } > before.1 + 3
            })
        stop.store(true, ordering: .relaxed)
        loops.wait()
        // Every acknowledged message is in the channel, once, in order; every granted token is distinct and rising.
        let history = try b.client().history("load", after: 0, limit: 100_000).messages.map(\.message)
        let acknowledged = published.acknowledged.withLock { $0 }
        #expect(acknowledged.allSatisfy(Set(history).contains), "lost: \(acknowledged.filter { !history.contains($0) })")
        #expect(Set(history).count == history.count)
        let granted = tokens.acknowledged.withLock { $0 }.compactMap { Int($0) }
        #expect(granted == granted.sorted() && Set(granted).count == granted.count, "\(granted)")
        for refusal in published.refusals.withLock({ $0 }) + tokens.refusals.withLock({ $0 }) {
            #expect(refusal.contains("unavailable") || refusal.contains("not reachable") || refusal.contains("timed out"), "\(refusal)")
        }
        #expect(try a.client().cluster().reachable)
        #expect(try a.pd(["begin", "after the outage"], environment: agent).status == 0)
        let agents = try b.pd(["agents", "--json"])
        #expect(agents.stdout.contains("outage-agent") && agents.stdout.contains("after the outage"), "\(agents.stdout)")
        #expect(try a.pd(["doctor"]).stdout.contains("cluster"))
    }

    @Test("bad cluster settings give one clear line and the documented exit code")
    func badSettings() throws {
        let cluster = try ClusterFixture()
        let daemon = try TestDaemon(environment: ["PORT_DADDY_CLUSTER_PASSWORD_FILE": cluster.passwordFile])
        func attempt(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
            try daemon.pd(["daemon"] + arguments, environment: environment)
        }
        let notURL = try attempt(["--cluster", "http://db.example/pd"])
        #expect(notURL.status == 2 && notURL.stderr.contains("postgres://"), "\(notURL.stderr)")
        let withPassword = try attempt(["--cluster", "postgres://pd:secret@127.0.0.1:\(cluster.postgres.port)/pd"])
        #expect(withPassword.status == 2 && withPassword.stderr.contains("password"), "\(withPassword.stderr)")
        #expect(!withPassword.stderr.contains("secret"))
        let badNode = try attempt(["--cluster", cluster.postgres.url, "--node", "no spaces"])
        #expect(badNode.status == 2 && badNode.stderr.contains("node name"), "\(badNode.stderr)")
        let wrong = cluster.folder + "/wrong"
        try "not-the-password\n".write(toFile: wrong, atomically: true, encoding: .utf8)
        let refused = try attempt(["--cluster", cluster.postgres.url], environment: ["PORT_DADDY_CLUSTER_PASSWORD_FILE": wrong])
        #expect(refused.status == 3 && refused.stderr.contains("refused the login"), "\(refused.stderr)")
        #expect(refused.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(refused.stderr)")
        let missingFile = try attempt(
            ["--cluster", cluster.postgres.url], environment: ["PORT_DADDY_CLUSTER_PASSWORD_FILE": cluster.folder + "/none"])
        #expect(missingFile.status == 2 && missingFile.stderr.contains("cannot read"), "\(missingFile.stderr)")
        try cluster.postgres.stop()
        let down = try attempt(["--cluster", cluster.postgres.url])
        #expect(down.status == 3 && down.stderr.contains("unavailable"), "\(down.stderr)")
        // A daemon that runs alone answers the cluster routes with a clear 404.
        try daemon.start()
        let alone = try daemon.pd(["cluster"])
        #expect(alone.status == 5 && alone.stderr.contains("not in a cluster"), "\(alone.stderr)")
    }
}
