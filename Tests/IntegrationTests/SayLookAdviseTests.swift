import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

/// `pd say` (one transaction), `pd look --heat`, the briefing's pins and hot files, and `pd advise` / `pd preflight`,
/// through the real pd and daemon.
@Suite("Say, look and advise")
struct SayLookAdviseTests {
    /// What exists of one say: the agent's notes, pinned tuples, the file's `said` heat (two decimals) and the channel's messages.
    struct Traces: Equatable {
        var notes: Int
        var pins: Int
        var heat: Double
        var messages: Int

        init(_ daemon: TestDaemon, agent: String, file: String, channel: String) throws {
            let listed = try daemon.pd(["notes", "--all", "--json"], environment: ["PD_AGENT_ID": agent])
            notes = try JSONDecoder().decode(NotesResponse.self, from: Data(listed.stdout.utf8)).notes.count
            pins = try daemon.client().tuples(harbor: nil, limit: 1000).tuples.filter { $0.tuple.first == .string("note") }.count
            // Rounded: heat decays a little between two reads (10-minute half-life).
            let said = try daemon.client().sniff(kind: "file", id: file, harbor: nil).keys.filter { $0.key == "said" }.map(\.value).reduce(0, +)
            heat = (said * 100).rounded() / 100
            messages = try daemon.client().history(channel, after: 0).messages.count
        }
    }

    static func scratch(_ daemon: TestDaemon) throws -> String {
        let dir = daemon.home + "-work"
        try FileManager.default.createDirectory(atPath: dir + "/db/migrations", withIntermediateDirectories: true)
        return dir
    }

    @Test("pd say writes a note, a pinned tuple, heat and a message; a bad channel or no session writes none of them")
    func sayIsAtomic() throws {
        let daemon = try TestDaemon()
        _ = try daemon.start()
        let dir = try Self.scratch(daemon)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/f.txt"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let env = ["PD_AGENT_ID": "herald"]
        #expect(try daemon.pd(["begin", "announce things"], environment: env).status == 0)
        let said = try daemon.pd(
            ["say", "t", "--pin", "--heat", "f.txt=0.7", "--broadcast", "team:news", "--json"], environment: env, directory: dir)
        #expect(said.status == 0, "\(said.stderr)")
        let answer = try JSONDecoder().decode(SayResponse.self, from: Data(said.stdout.utf8))
        #expect(answer.note?.text == "t" && answer.messages.count == 1 && answer.pheromones.count == 1)
        #expect(answer.tuple?.tuple == [.string("note"), .string("herald"), .string(answer.note!.sessionID), .string("t")])
        let after = try Traces(daemon, agent: "herald", file: file, channel: "team:news")
        #expect(after.notes == 1 && after.pins == 1 && after.messages == 1 && abs(after.heat - 0.7) < 0.01, "\(after)")

        // A bad channel name: exit 2, and none of the four parts is written.
        let bad = try daemon.pd(
            ["say", "u", "--pin", "--heat", "f.txt=0.9", "--broadcast", "team:news", "--broadcast", "bad name!"], environment: env, directory: dir)
        #expect(bad.status == 2, "\(bad.stderr)")
        #expect(bad.stderr.split(separator: "\n").count == 1)
        #expect(try Traces(daemon, agent: "herald", file: file, channel: "team:news") == after)

        // No session: NO_SESSION (exit 5) — the pin, heat and message were not written either.
        let lone = try daemon.pd(
            ["say", "v", "--pin", "--heat", "f.txt=0.9", "--broadcast", "team:news"], environment: ["PD_AGENT_ID": "loner"], directory: dir)
        #expect(lone.status == 5, "\(lone.stderr)")
        #expect(try Traces(daemon, agent: "herald", file: file, channel: "team:news") == after)
    }

    @Test("pd say rolls everything back when the last write fails inside the transaction (an injected SQLite fault)")
    func sayRollsBackOnInjectedFailure() throws {
        let daemon = try TestDaemon()
        _ = try daemon.start()
        let dir = try Self.scratch(daemon)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/g.txt"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let env = ["PD_AGENT_ID": "crier"]
        #expect(try daemon.pd(["begin", "shout"], environment: env).status == 0)
        let before = try Traces(daemon, agent: "crier", file: file, channel: "town:square")
        // The fault: a trigger that aborts inserting this message — the note, tuple and heat were written before it.
        try Self.sql(
            daemon, "CREATE TRIGGER inject_fault BEFORE INSERT ON messages WHEN NEW.body = 'boom' BEGIN SELECT RAISE(ABORT, 'injected'); END;")
        let failed = try daemon.pd(["say", "boom", "--pin", "--heat", "g.txt=0.9", "--broadcast", "town:square"], environment: env, directory: dir)
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("injected"), "\(failed.stderr)")
        #expect(try Traces(daemon, agent: "crier", file: file, channel: "town:square") == before)
        // The daemon keeps serving, and the same say works once the fault is gone.
        try Self.sql(daemon, "DROP TRIGGER inject_fault;")
        #expect(
            try daemon.pd(["say", "boom", "--pin", "--heat", "g.txt=0.9", "--broadcast", "town:square"], environment: env, directory: dir).status == 0
        )
        let after = try Traces(daemon, agent: "crier", file: file, channel: "town:square")
        #expect(after.notes == before.notes + 1 && after.pins == before.pins + 1 && after.messages == before.messages + 1 && after.heat > 0.8)
    }

    @Test("pd look --heat lists a file made hot by a refused claim; the briefing carries pins and hot files")
    func lookHeatAndBriefing() throws {
        let daemon = try TestDaemon()
        _ = try daemon.start()
        let dir = try Self.scratch(daemon)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/hot.swift"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try daemon.pd(["begin", "own it", "--files", file], environment: ["PD_AGENT_ID": "owner"]).status == 0)
        #expect(try daemon.pd(["begin", "want it"], environment: ["PD_AGENT_ID": "rival"]).status == 0)
        #expect(try daemon.pd(["claim-files", file], environment: ["PD_AGENT_ID": "rival"]).status == 4)
        #expect(try daemon.pd(["say", "hands off hot.swift", "--pin"], environment: ["PD_AGENT_ID": "owner"]).status == 0)
        let look = try daemon.pd(["look", "--heat"])
        #expect(look.stdout.contains("Hot files:") && look.stdout.contains(file + " — held by owner"), "\(look.stdout)")
        let briefing = try daemon.client().briefing(project: nil)
        #expect(briefing.hotFiles.first?.path == file && briefing.hotFiles.first?.holders == ["owner"])
        #expect(briefing.pinned.contains { $0.tuple.last == .string("hands off hot.swift") })
        let markdown = try daemon.pd(["briefing"]).stdout
        #expect(markdown.contains("## Pinned notes") && markdown.contains("owner · ") && markdown.contains("## Hot files"), "\(markdown)")
    }

    @Test("pd advise: the same state gives the same JSON; another session's file blocks (exit 4) naming the holder; a migration suggests a lock")
    func advise() throws {
        let daemon = try TestDaemon()
        _ = try daemon.start()
        let dir = try Self.scratch(daemon)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let migration = dir + "/db/migrations/0003_add_index.sql"
        try "create index i on t(c);".write(toFile: migration, atomically: true, encoding: .utf8)
        // begin --files records each file's hash as pd read it (so does claim-files).
        #expect(try daemon.pd(["begin", "add the index", "--files", migration], environment: ["PD_AGENT_ID": "holder"]).status == 0)
        let env = ["PD_AGENT_ID": "newcomer"]
        let first = try daemon.pd(["advise", migration, "--json"], environment: env)
        let second = try daemon.pd(["advise", migration, "--json"], environment: env)
        #expect(first.status == 4 && second.status == 4, "\(first.stderr)")
        #expect(try Self.withoutTime(first.stdout) == Self.withoutTime(second.stdout))
        let advice = try JSONDecoder().decode(AdviseResponse.self, from: Data(first.stdout.utf8))
        #expect(advice.verdict == .blocked)
        #expect(
            advice.checks.map(\.id) == [
                "session", "context", "foreign-claim", "own-claim", "freshness", "salvage", "channels", "heat", "lock-candidate",
            ])
        let foreign = try #require(advice.checks.first { $0.id == "foreign-claim" })
        #expect(foreign.status == .block && foreign.evidence.contains("holder") && foreign.action?.hasPrefix("pd inbox send holder ") == true)
        let lock = try #require(advice.checks.first { $0.id == "lock-candidate" })
        #expect(lock.status == .info && lock.action?.hasPrefix("pd with-lock ") == true && lock.action?.contains(":migrations --") == true)
        #expect(advice.checks.first { $0.id == "session" }?.status == .warn)
        // The holder itself is not blocked; the text form names each check and its action.
        let own = try daemon.pd(["advise", migration], environment: ["PD_AGENT_ID": "holder"])
        #expect(own.status == 0 && own.stdout.contains(": CLEAR"), "\(own.stdout)")
        #expect(own.stdout.contains("own-claim") && own.stdout.contains("your session holds it"), "\(own.stdout)")
        // Edited after the claim: a freshness warning for the holder (the CLI sends the file's hash now).
        let fresh = try JSONDecoder().decode(
            AdviseResponse.self, from: Data(try daemon.pd(["advise", migration, "--json"], environment: ["PD_AGENT_ID": "holder"]).stdout.utf8))
        #expect(fresh.checks.first { $0.id == "freshness" }?.status == .ok)
        try "create index j on t(c);".write(toFile: migration, atomically: true, encoding: .utf8)
        let stale = try JSONDecoder().decode(
            AdviseResponse.self, from: Data(try daemon.pd(["advise", migration, "--json"], environment: ["PD_AGENT_ID": "holder"]).stdout.utf8))
        let freshness = try #require(stale.checks.first { $0.id == "freshness" })
        #expect(freshness.status == .warn && freshness.evidence.contains("changed since you claimed it") && stale.verdict == .caution)
        // preflight adds the tuple check and exits 4 when any file is blocked.
        #expect(try daemon.pd(["tuple", "out", "[\"todo\",\"\(migration)\"]"]).status == 0)
        let preflight = try daemon.pd(["preflight", migration, "--json"], environment: env)
        #expect(preflight.status == 4)
        let all = try JSONDecoder().decode([AdviseResponse].self, from: Data(preflight.stdout.utf8))
        #expect(all.first?.checks.first { $0.id == "tuples" }?.status == .info)
    }

    @Test("over TCP, note text needs the user's token: look and sessions withhold it, briefing, episodes and notes refuse")
    func noteTextNeedsTheToken() throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        let env = ["PD_AGENT_ID": "scribe"]
        #expect(try daemon.pd(["begin", "keep the log", "--identity", "ledger"], environment: env).status == 0)
        #expect(try daemon.pd(["note", "SECRET-MARKER-42", "--type", "finding"], environment: env).status == 0)
        let tcp = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: info.tcpPort))
        let token = try String(contentsOfFile: daemon.portDaddyEnvironment.tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let agent = [(AgentHeader.name, "scribe")]
        for path in ["/look?since=30m", "/sessions", "/whoami", "/dashboard/state"] {
            let open = try tcp.send(method: "GET", path: path, headers: agent)
            #expect(open.status == 200 && !String(decoding: open.body, as: UTF8.self).contains("SECRET-MARKER-42"), "\(path)")
            #expect(String(decoding: open.body, as: UTF8.self).contains("\"notesWithheld\":1"), "\(path)")
            let trusted = try tcp.send(method: "GET", path: path, headers: agent + [("X-PD-Token", token)])
            #expect(trusted.status == 200 && String(decoding: trusted.body, as: UTF8.self).contains("SECRET-MARKER-42"), "\(path)")
        }
        for path in ["/briefing", "/memory/episodes", "/sessions/current/notes"] {
            let refused = try tcp.send(method: "GET", path: path, headers: agent)
            #expect(refused.status == 401 && String(decoding: refused.body, as: UTF8.self).contains("UNTRUSTED_CALLER"), "\(path)")
            let trusted = try tcp.send(method: "GET", path: path, headers: agent + [("X-PD-Token", token)])
            #expect(trusted.status == 200 && String(decoding: trusted.body, as: UTF8.self).contains("SECRET-MARKER-42"), "\(path)")
        }
        // The CLI goes through the Unix socket: the user sees everything.
        #expect(try daemon.pd(["look"]).stdout.contains("SECRET-MARKER-42"))
    }

    @Test("in a repository with declared channels: pd say --broadcast resolves the logical name; advise lists the declarations")
    func declaredChannels() throws {
        let daemon = try TestDaemon()
        _ = try daemon.start()
        let repo = try TwoWorktreeRepo()
        defer { repo.remove() }
        let env = ["PD_AGENT_ID": "speaker"]
        #expect(try daemon.pd(["channels", "ensure", "swarm:general", "--scope", "branch"], directory: repo.a).status == 0)
        #expect(try daemon.pd(["begin", "talk"], environment: env).status == 0)
        let said = try daemon.pd(["say", "hello swarm", "--broadcast", "swarm:general", "--json"], environment: env, directory: repo.a)
        #expect(said.status == 0, "\(said.stderr)")
        let answer = try JSONDecoder().decode(SayResponse.self, from: Data(said.stdout.utf8))
        #expect(answer.messages.map(\.channel) == ["swarm:general:a"])
        try "x".write(toFile: repo.a + "/notes.md", atomically: true, encoding: .utf8)
        let advice = try daemon.pd(["advise", "notes.md", "--json"], environment: env, directory: repo.a)
        let channels = try #require(
            try JSONDecoder().decode(AdviseResponse.self, from: Data(advice.stdout.utf8)).checks.first { $0.id == "channels" })
        #expect(channels.status == .info && channels.evidence.contains("swarm:general") && channels.action == "pd sub swarm:general")
    }

    /// The JSON without its `generatedAt` member.
    static func withoutTime(_ json: String) throws -> String {
        json.split(separator: "\n").filter { !$0.contains("\"generatedAt\"") }.joined(separator: "\n")
    }

    /// Runs one SQL statement against the daemon's database (the test's stand-in for a storage fault).
    static func sql(_ daemon: TestDaemon, _ statement: String) throws {
        let script = "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], timeout=10)\nc.executescript(sys.argv[2])\nc.commit()\n"
        let result = try CommandResult.run(
            try TestDependencies.python(), ["-c", script, daemon.portDaddyEnvironment.databasePath, statement],
            environment: ProcessInfo.processInfo.environment)
        guard result.status == 0 else { throw TestFailure("sql failed: \(result.stderr)") }
    }
}
