import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// A real git repository in the daemon's temp home, and the real pd run inside it.
struct GitRepo {
    let daemon: TestDaemon
    let path: String

    init(_ daemon: TestDaemon, files: [String: String]) throws {
        self.daemon = daemon
        path = daemon.home + "/repo"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        _ = try git(["init", "-q"])
        for (name, text) in files { try write(name, text) }
    }

    func write(_ name: String, _ text: String) throws {
        let full = path + "/" + name
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Atomically (a temporary file renamed over it), as editors save: a watcher never sees a half-written file.
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }

    func read(_ name: String) -> String? { try? String(contentsOfFile: path + "/" + name, encoding: .utf8) }

    @discardableResult
    func git(_ arguments: [String]) throws -> CommandResult {
        try CommandResult.run("/usr/bin/env", ["git", "-C", path] + arguments, environment: ProcessInfo.processInfo.environment)
    }

    /// The staged paths, relative to the repository.
    func staged() throws -> [String] { try git(["diff", "--cached", "--name-only"]).stdout.split(separator: "\n").map(String.init).sorted() }

    /// pd run inside the repository as `agent`.
    func pd(_ arguments: [String], as agent: String) throws -> CommandResult {
        try daemon.pd(arguments, environment: ["PD_AGENT_ID": agent], directory: path)
    }
}

@Suite("Claim-aware git: pd guard --strict and pd add, through the real pd and daemon in a real repository")
struct GitGuardIntegrationTests {
    @Test("strict guard: no session → exit 4; a staged file you have not claimed → exit 4 naming it; your claim passes; .portdaddyrc guard: strict")
    func strictGuard() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let repo = try GitRepo(daemon, files: ["a.swift": "a\n", "c.swift": "c\n"])
        try repo.git(["add", "a.swift"])
        let noSession = try repo.pd(["guard", "--strict"], as: "alice")
        #expect(noSession.status == 4 && noSession.stderr.contains("no active session"), "\(noSession.stderr)")
        // The default guard behaves as before: nobody else holds a.swift.
        #expect(try repo.pd(["guard"], as: "alice").status == 0)
        #expect(try repo.pd(["begin", "edit a"], as: "alice").status == 0)
        let unclaimed = try repo.pd(["guard", "--strict"], as: "alice")
        #expect(unclaimed.status == 4 && unclaimed.stderr.contains(repo.path + "/a.swift") && unclaimed.stderr.contains("pd claim-files"))
        let claimed = try repo.pd(["claim-files", "a.swift"], as: "alice")
        #expect(claimed.status == 0 && claimed.output == "claimed \(repo.path)/a.swift (token 1)", "\(claimed.output)")
        #expect(try repo.pd(["guard", "--strict"], as: "alice").status == 0)
        // guard: "strict" in .portdaddyrc makes the plain hook strict.
        try repo.git(["add", "c.swift"])
        #expect(try repo.pd(["guard"], as: "alice").status == 0)
        try repo.write(".portdaddyrc", #"{"guard": "strict"}"#)
        let fromConfig = try repo.pd(["guard"], as: "alice")
        #expect(fromConfig.status == 4 && fromConfig.stderr.contains("c.swift") && !fromConfig.stderr.contains("a.swift"), "\(fromConfig.stderr)")
        try repo.write(".portdaddyrc", #"{"guard": "sometimes"}"#)
        #expect(try repo.pd(["guard"], as: "alice").status == 2)
        let install = try repo.pd(["guard", "--install", "--strict"], as: "alice")
        #expect(install.status == 0)
        #expect(repo.read(".git/hooks/pre-commit")?.contains("guard --strict") == true)
    }

    @Test("strict guard: after your session is salvaged by another agent and the file re-granted, your stale token fails")
    func staleTokenAfterSalvage() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_REAP_INTERVAL": "0.2"])
        try daemon.start()
        let repo = try GitRepo(daemon, files: ["schema.sql": "create table t;\n"])
        try repo.git(["add", "schema.sql"])
        #expect(try repo.pd(["begin", "migration"], as: "crashy").status == 0)
        #expect(try repo.pd(["claim-files", "schema.sql"], as: "crashy").status == 0)
        #expect(try repo.pd(["guard", "--strict"], as: "crashy").status == 0)
        #expect(try repo.pd(["agent", "register", "--ttl", "1s"], as: "crashy").status == 0)
        #expect(eventually { (try? repo.pd(["salvage"], as: "heir"))?.stdout.contains("crashy") == true })
        #expect(try repo.pd(["begin", "finish migration"], as: "heir").status == 0)
        #expect(try repo.pd(["salvage", "claim", "crashy"], as: "heir").status == 0)
        let files = try JSONDecoder().decode(FileClaimsResponse.self, from: Data(try repo.pd(["files", "--json"], as: "heir").stdout.utf8))
        #expect(files.claims.map(\.agentID) == ["heir"] && files.claims.map(\.token) == [2])
        // The crashed agent comes back and tries to commit with its old claim.
        #expect(try repo.pd(["begin", "back again"], as: "crashy").status == 0)
        let stale = try repo.pd(["guard", "--strict"], as: "crashy")
        #expect(stale.status == 4, "\(stale.stderr)")
        #expect(stale.stderr.contains("schema.sql") && stale.stderr.contains("token 1 is stale (latest 2)") && stale.stderr.contains("heir"))
        #expect(try repo.pd(["guard", "--strict"], as: "heir").status == 0)
    }

    @Test("pd add is all or nothing: a file held by another session → exit 4 and nothing staged; --claim claims and stages free files")
    func addAllOrNothing() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let repo = try GitRepo(
            daemon, files: ["a.swift": "a\n", "b.swift": "b\n", "src/new.swift": "n\n", "src/skip.log": "x\n", ".gitignore": "*.log\n"])
        #expect(try repo.pd(["begin", "mine"], as: "alice").status == 0)
        #expect(try repo.pd(["begin", "theirs"], as: "bob").status == 0)
        #expect(try repo.pd(["claim-files", "b.swift:10-20"], as: "bob").status == 0)
        let refused = try repo.pd(["add", "a.swift", "b.swift"], as: "alice")
        #expect(refused.status == 4 && refused.stderr.contains("nothing staged") && refused.stderr.contains("bob"), "\(refused.stderr)")
        #expect(try repo.staged().isEmpty)
        let added = try repo.pd(["add", "--claim", "a.swift", "src"], as: "alice")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try repo.staged() == ["a.swift", "src/new.swift"])
        let files = try JSONDecoder().decode(FileClaimsResponse.self, from: Data(try repo.pd(["files", "--json"], as: "alice").stdout.utf8))
        #expect(Set(files.claims.filter { $0.agentID == "alice" }.map(\.path)) == [repo.path + "/a.swift", repo.path + "/src/new.swift"])
        #expect(files.claims.allSatisfy { $0.contentHash?.count == 64 })
        #expect(try repo.pd(["add", "a.swift", "--json"], as: "alice").status == 2)
        // Arguments after -- go to git add.
        try repo.write("a.swift", "a2\n")
        #expect(try repo.pd(["add", "a.swift", "--", "--dry-run"], as: "alice").status == 0)
        #expect(try repo.git(["diff", "--name-only"]).output == "a.swift")
    }
}
