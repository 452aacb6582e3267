import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

@Suite("Sessions, file claims, agents and salvage across real processes")
struct CoordinationIntegrationTests {
    func decode<T: Decodable>(_ type: T.Type, _ result: CommandResult) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(result.stdout.utf8))
    }

    @Test("two agents in one directory keep separate sessions, by PD_AGENT_ID or by terminal session")
    func separateSessions() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let a = try daemon.pd(["begin", "task A", "--json"], environment: ["PD_AGENT_ID": "agent-a"])
        let b = try daemon.pd(["begin", "task B", "--json"], environment: ["PD_AGENT_ID": "agent-b"])
        #expect(a.status == 0 && b.status == 0)
        #expect(try daemon.pd(["note", "only mine"], environment: ["PD_AGENT_ID": "agent-a"]).status == 0)
        let notesB = try daemon.pd(["notes", "--json"], environment: ["PD_AGENT_ID": "agent-b"])
        #expect(!notesB.stdout.contains("only mine"))
        #expect(try daemon.pd(["done"], environment: ["PD_AGENT_ID": "agent-b"]).status == 0)
        let whoA = try daemon.pd(["whoami"], environment: ["PD_AGENT_ID": "agent-a"])
        #expect(whoA.stdout.contains("task A"))
        #expect(try daemon.pd(["begin", "again"], environment: ["PD_AGENT_ID": "agent-a"]).status == 4)
        // Without PD_AGENT_ID, each terminal session (setsid) is its own agent.
        let s1 = try CommandResult.run("/usr/bin/setsid", [daemon.binary, "begin", "from session 1", "--json"], environment: daemon.environment)
        let s2 = try CommandResult.run("/usr/bin/setsid", [daemon.binary, "begin", "from session 2", "--json"], environment: daemon.environment)
        #expect(s1.status == 0 && s2.status == 0, "\(s1.stderr) \(s2.stderr)")
        let r1 = try decode(BeginResponse.self, s1), r2 = try decode(BeginResponse.self, s2)
        #expect(r1.agentID != r2.agentID)
        #expect(r1.agentID.hasPrefix("term-"))
        let sessions = try decode(SessionsResponse.self, try daemon.pd(["sessions", "--json"]))
        #expect(Set(sessions.sessions.map(\.purpose)) == ["task A", "from session 1", "from session 2"])
    }

    @Test("a file claimed by one session blocks another's claim and pd guard")
    func fileClaimsAndGuard() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let repo = daemon.home + "/repo"
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        func git(_ args: [String]) throws -> CommandResult {
            try CommandResult.run("/usr/bin/env", ["git", "-C", repo] + args, environment: ProcessInfo.processInfo.environment)
        }
        _ = try git(["init", "-q"])
        try "x".write(toFile: repo + "/shared.swift", atomically: true, encoding: .utf8)
        let alice = ["PD_AGENT_ID": "alice"], bob = ["PD_AGENT_ID": "bob"]
        #expect(try daemon.pd(["begin", "edit shared", "--files", repo + "/shared.swift"], environment: alice).status == 0)
        #expect(try daemon.pd(["begin", "also edit"], environment: bob).status == 0)
        let blocked = try daemon.pd(["claim-files", repo + "/./shared.swift"], environment: bob)
        #expect(blocked.status == 4)
        #expect(blocked.stderr.contains("alice"))
        let owner = try daemon.pd(["who-owns", repo + "/shared.swift"])
        #expect(owner.stdout.contains("alice"))
        _ = try git(["add", "shared.swift"])
        let guardBob = try CommandResult.run(
            "/usr/bin/env", ["-C", repo, daemon.binary, "guard"], environment: daemon.environment.merging(bob) { $1 })
        #expect(guardBob.status == 4)
        #expect(guardBob.stderr.contains("alice"))
        let guardAlice = try CommandResult.run(
            "/usr/bin/env", ["-C", repo, daemon.binary, "guard"], environment: daemon.environment.merging(alice) { $1 })
        #expect(guardAlice.status == 0)
        let install = try CommandResult.run("/usr/bin/env", ["-C", repo, daemon.binary, "guard", "--install"], environment: daemon.environment)
        #expect(install.status == 0)
        #expect(FileManager.default.isExecutableFile(atPath: repo + "/.git/hooks/pre-commit"))
        // Claims end with the session.
        #expect(try daemon.pd(["done"], environment: alice).status == 0)
        #expect(try daemon.pd(["claim-files", repo + "/shared.swift"], environment: bob).status == 0)
    }

    @Test("an agent that stops heartbeating lands in salvage with its notes and claims; salvage claim hands them over; a restart keeps it all")
    func salvage() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_REAP_INTERVAL": "0.2"])
        try daemon.start()
        let dead = ["PD_AGENT_ID": "crashy"], heir = ["PD_AGENT_ID": "heir"]
        #expect(try daemon.pd(["agent", "register", "--identity", "shop:api", "--ttl", "1s"], environment: dead).status == 0)
        #expect(try daemon.pd(["begin", "half-done migration", "--files", daemon.home + "/schema.sql"], environment: dead).status == 0)
        // begin re-registers with the default TTL; shorten it again.
        #expect(try daemon.pd(["agent", "register", "--ttl", "1s"], environment: dead).status == 0)
        #expect(try daemon.pd(["note", "step 3 of 5 done", "--type", "handoff"], environment: dead).status == 0)
        #expect(try daemon.pd(["lock", "db", "--owner", "crashy"], environment: dead).status == 0)
        #expect(
            eventually(timeout: 30) {
                (try? self.decode(SalvageResponse.self, try daemon.pd(["salvage", "--json"])))?.salvage.first?.agentID == "crashy"
            })
        #expect(try daemon.client().locks().count == 0)
        #expect(daemon.stop() == 0)
        try daemon.start()
        let list = try decode(SalvageResponse.self, try daemon.pd(["salvage", "--project", "shop", "--json"]))
        let entry = try #require(list.salvage.first)
        #expect(entry.sessions.first?.notes.map(\.text) == ["step 3 of 5 done"])
        #expect(entry.sessions.first?.files == [daemon.home + "/schema.sql"])
        // A new agent in the project is told.
        let register = try daemon.pd(["agent", "register", "--identity", "shop:web", "--json"], environment: heir)
        #expect(try decode(AgentRegisterResponse.self, register).deadInProject == ["crashy"])
        #expect(register.stderr.contains("salvage"))
        #expect(try daemon.pd(["begin", "finish migration"], environment: heir).status == 0)
        let claimed = try decode(SessionInfo.self, try daemon.pd(["salvage", "claim", "crashy", "--json"], environment: heir))
        #expect(claimed.notes.map(\.text).contains("step 3 of 5 done"))
        #expect(claimed.files == [daemon.home + "/schema.sql"])
        #expect(try decode(SalvageResponse.self, try daemon.pd(["salvage", "--json"])).salvage.isEmpty)
        let activity = try decode(ActivityResponse.self, try daemon.pd(["activity", "--json"]))
        let types = Set(activity.activity.map(\.type))
        #expect(types.isSuperset(of: ["agent.register", "session.begin", "agent.dead", "salvage.claim", "lock"]))
    }

    @Test("inbox: send, list, read-all, and watch replays unread messages")
    func inbox() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        #expect(try daemon.pd(["inbox", "send", "captain", "course corrected", "--sender", "pilot"]).status == 0)
        let me = ["PD_AGENT_ID": "captain"]
        let watched = try daemon.pd(["inbox", "watch", "--once"], environment: me)
        #expect(watched.stdout.contains("pilot: course corrected"))
        let list = try decode(InboxResponse.self, try daemon.pd(["inbox", "--json"], environment: me))
        #expect(list.messages.map(\.message) == ["course corrected"])
        #expect(try daemon.pd(["inbox", "read-all"], environment: me).output == "marked 1 message(s) read")
        #expect(try decode(InboxResponse.self, try daemon.pd(["inbox", "list", "--unread", "--json"], environment: me)).messages.isEmpty)
    }

    @Test("pd wait returns once an identity is signalled ready or listening, and times out otherwise")
    func wait() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let waiting = try daemon.spawnPD(["wait", "app:api", "app:web", "--timeout", "60s"])
        #expect(try daemon.pd(["integration", "ready", "app:api"]).status == 0)
        let port = Int(try daemon.pd(["claim", "app:web", "-q"]).output)!
        let listener = try Listener(port: port)
        defer { listener.close() }
        let result = waiting.wait()
        #expect(result.status == 0)
        #expect(result.output == "ready: app:api, app:web")
        #expect(try daemon.pd(["wait", "app:never", "--timeout", "0.5s"]).status == 4)
        let signals = try decode(IntegrationResponse.self, try daemon.pd(["integration", "--json"]))
        #expect(signals.signals.map(\.identity) == ["app:api"])
    }

    @Test("activity can be followed live (SSE) and long-polled")
    func followActivity() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let out = daemon.home + "-follow.out"
        _ = try daemon.pd(["claim", "before:web", "-q"])
        let follower = try RunningCommand(daemon.binary, ["activity", "--follow", "--json", "--since", "1h"], environment: daemon.environment)
        defer {
            kill(follower.pid, SIGTERM)
            _ = follower.wait()
            try? FileManager.default.removeItem(atPath: out)
        }
        let latest = try daemon.client().activity(since: nil, type: nil, limit: 1).activity.last?.id ?? 0
        _ = try daemon.pd(["claim", "followed:web", "-q"])
        _ = try daemon.pd(["release", "followed:web"])
        let polled: ActivityResponse = try daemon.client().call("GET", "/activity/poll?after=\(latest)&timeout=30")
        #expect(polled.activity.contains { $0.subject == "followed:web" && $0.type == "claim" })
        usleep(1_000_000)  // give the follower a few 250 ms flush ticks to print the live records
        kill(follower.pid, SIGTERM)
        let followed = follower.wait()
        #expect(followed.stdout.contains("before:web"))
        #expect(followed.stdout.contains("\"type\":\"claim.release\""))
    }

    @Test("begin is all or nothing, done releases only the port its session claimed, and an agent's locks follow its normalized id")
    func sessionClaimsAndLocks() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let a = ["PD_AGENT_ID": "a1"], b = ["PD_AGENT_ID": "b1"]
        #expect(try daemon.pd(["begin", "first"], environment: a).status == 0)
        // A begin that fails claims nothing.
        #expect(try daemon.pd(["begin", "second", "--identity", "leak:api"], environment: a).status == 4)
        #expect(try daemon.pd(["find", "leak:api"]).status == 5)
        // A session that joined an existing claim does not release it when it ends.
        #expect(try daemon.pd(["claim", "shared:web", "-q", "--sticky"]).status == 0)
        #expect(try daemon.pd(["begin", "join", "--identity", "shared:web"], environment: b).status == 0)
        #expect(try daemon.pd(["done"], environment: b).status == 0)
        #expect(try daemon.pd(["find", "shared:web"]).status == 0)
        // A session's own port is held while the session lives, whatever the calling shell does.
        #expect(try daemon.pd(["begin", "own", "--identity", "own:api"], environment: b).status == 0)
        let own = try JSONDecoder().decode(ServicesResponse.self, from: Data(try daemon.pd(["find", "own:api", "--json"]).stdout.utf8))
        #expect(own.services.first?.sticky == true)
        #expect(try daemon.pd(["done"], environment: b).status == 0)
        #expect(try daemon.pd(["find", "own:api"]).status == 5)
        // PD_AGENT_ID with capitals: the lock is the agent's, and goes with it.
        let mixed = ["PD_AGENT_ID": "Builder-1"]
        #expect(try daemon.pd(["begin", "locks"], environment: mixed).status == 0)
        #expect(try daemon.pd(["lock", "db:migrate"], environment: mixed).status == 0)
        #expect(try daemon.client().locks().locks.first?.owner == "builder-1")
        #expect(try daemon.pd(["agent", "unregister"], environment: mixed).status == 0)
        #expect(try daemon.client().locks().count == 0)
    }
}
