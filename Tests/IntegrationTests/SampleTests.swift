import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// The runnable samples of `samples/`: each runs through `pd demo run` (the copies embedded in pd) against a test
/// daemon, exits 0 and prints its documented lines; the embedded copies are the files of the source tree.
@Suite("Samples and pd demo")
struct SampleTests {
    static let names = ["leader-election", "ci-database", "inbox-handshake", "fleet-actors"]

    /// Runs `pd demo run NAME` in its own process group, killed (group and all) if it is not done within `limit`
    /// seconds, a generous bound for a loaded machine, not a timing assertion.
    func runSample(_ name: String, _ daemon: TestDaemon, environment: [String: String] = [:], limit: Double = 240) throws -> CommandResult {
        let running = try daemon.spawnPD(["demo", "run", name], environment: environment, ownGroup: true)
        let pid = running.pid
        let guardRail = DispatchWorkItem { kill(-pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + limit, execute: guardRail)
        let result = running.wait()
        guardRail.cancel()
        return result
    }

    @Test("leader election: one leader, and killing it (kill -9) elects exactly one new leader with a larger token")
    func leaderElection() throws {
        // A short reaper interval, as the lock is also freed by its TTL (2 s) when the owner's death is not seen.
        let daemon = try TestDaemon(environment: ["PORT_DADDY_REAP_INTERVAL": "0.5"])
        try daemon.start()
        let result = try runSample("leader-election", daemon)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let leaders = result.stdout.split(separator: "\n").filter { $0.hasPrefix("leader: ") }.map { $0.split(separator: " ") }
        try #require(leaders.count == 2, "\(result.stdout)")
        #expect(leaders.allSatisfy { $0.count == 4 && $0[2] == "token" }, "\(leaders)")
        #expect(leaders[0][1] != leaders[1][1], "the new leader is another worker")
        #expect((Int(leaders[1][3]) ?? 0) > (Int(leaders[0][3]) ?? .max), "fencing tokens grow")
        #expect(result.stdout.contains("killing \(leaders[0][1]) (kill -9 of its process group)"))
        #expect(result.stdout.contains("ok: exactly one new leader (\(leaders[1][1]), token \(leaders[1][3]) > \(leaders[0][3]))"))
        // The sample's workers are gone: once the daemon sees their deaths, nobody holds the lock.
        #expect(
            eventually(timeout: 60) {
                (try? daemon.client().locks().locks.contains { $0.name == "samples:leader" }) == false
            })
    }

    @Test("ephemeral CI database: a port per run, a real server on it, the test passes, the claim is released and the port free")
    func ciDatabase() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let result = try runSample("ci-database", daemon, environment: ["RUN_ID": "run7"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let claimed = try #require(lines.first { $0.hasPrefix("claimed ci:db:run7: port ") }, "\(result.stdout)")
        let port = try #require(Int(claimed.split(separator: " ").last ?? ""))
        #expect(lines.contains { $0.hasPrefix("database listening on 127.0.0.1:\(port) (pid ") })
        #expect(lines.contains("test passed: SELECT count(*) FROM users -> [[2]]"))
        #expect(lines.contains("released ci:db:run7; port \(port) is free"))
        #expect(try daemon.pd(["find", "ci:db:run7"]).status == 5, "no claim is left")
        // The port is really free: a listener of our own can bind it.
        let listener = try Listener(port: port)
        listener.close()
    }

    @Test("inbox handshake: A sends its port by inbox, B connects over TCP, A sees the connection")
    func inboxHandshake() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let result = try runSample("inbox-handshake", daemon, environment: ["A": "sample-a", "B": "sample-b"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let claimed = try #require(lines.first { $0.hasPrefix("A: claimed port ") }, "\(result.stdout)")
        let port = try #require(Int(claimed.split(separator: " ").last ?? ""))
        #expect(lines.contains("A: listening on \(port)"))
        #expect(lines.contains("A: sent port \(port) to sample-b's inbox"))
        #expect(lines.contains("B: inbox says port \(port)"))
        #expect(lines.contains("A: connection from B: 'hello from sample-b'"))
        #expect(lines.contains("B: A replied: welcome (sample-a)"))
        #expect(lines.last == "ok: handshake complete")
        // The message went through the daemon: it is in B's inbox.
        let inbox = try daemon.pd(["inbox", "--json"], environment: ["PD_AGENT_ID": "sample-b"])
        let messages = try JSONDecoder().decode(InboxResponse.self, from: Data(inbox.stdout.utf8)).messages
        #expect(messages.map(\.message) == ["port \(port)"] && messages.first?.sender == "sample-a", "\(inbox.stdout)")
        #expect(try daemon.pd(["find", "handshake:sample-a"]).status == 5, "A's claim is released")
    }

    @Test(
        "the actor catalogue: the fleet file validates, the nine actors are listed, a message to navigator queues on the cartographer, nothing starts"
    )
    func fleetActors() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let result = try runSample("fleet-actors", daemon)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("valid, fleet souls, 9 agent(s)"), "\(result.stdout)")
        for actor in ["Coxswain", "Gardener", "QA", "Test Hunter", "Documentarian", "Simplifier", "Cartographer", "Spark", "Spider"] {
            #expect(result.stdout.contains("(\(actor))"), "\(actor) missing: \(result.stdout)")
        }
        #expect(result.stdout.contains("for cartographer") && result.stdout.contains("queued 1"), "\(result.stdout)")
        #expect(result.stdout.contains("roadmap item needs evidence") && result.stdout.contains("ok: the message waits"))
        #expect(try daemon.client().runs(all: true, project: nil).runs.isEmpty)
        #expect(try daemon.client().fleets().fleets.isEmpty)
    }

    @Test("pd demo lists the samples; pd demo get writes exactly the files of samples/; an unknown name is exit 5")
    func demoListAndGet() throws {
        let daemon = try TestDaemon()
        let list = try daemon.pd(["demo"])
        #expect(list.status == 0, "\(list.stderr)")
        for name in Self.names { #expect(list.stdout.contains(name) && list.stdout.contains("samples/\(name)/run.sh"), "\(list.stdout)") }
        let json = try JSONSerialization.jsonObject(with: Data(try daemon.pd(["demo", "list", "--json"]).stdout.utf8)) as? [[String: Any]]
        #expect(json?.compactMap { $0["name"] as? String } == Self.names)
        let out = daemon.home + "/out"
        let source = TestDependencies.root + "/samples"
        for name in Self.names {
            let get = try daemon.pd(["demo", "get", name, "--dir", out])
            #expect(get.status == 0, "\(get.stderr)")
            let written = try FileManager.default.subpathsOfDirectory(atPath: out + "/" + name).sorted()
            let expected = try FileManager.default.subpathsOfDirectory(atPath: source + "/" + name).filter { !$0.contains("__pycache__") }.sorted()
            #expect(written == expected, "\(name)")
            for file in expected {
                #expect(
                    FileManager.default.contents(atPath: out + "/\(name)/\(file)")
                        == FileManager.default.contents(atPath: source + "/\(name)/\(file)"),
                    "\(name)/\(file) differs from the source tree: rebuild")
            }
            let mode = try FileManager.default.attributesOfItem(atPath: out + "/\(name)/run.sh")[.posixPermissions] as? Int
            #expect(mode == 0o755)
        }
        let unknown = try daemon.pd(["demo", "run", "nope"])
        #expect(unknown.status == 5 && unknown.stderr.contains("leader-election"), "\(unknown.stderr)")
    }
}
