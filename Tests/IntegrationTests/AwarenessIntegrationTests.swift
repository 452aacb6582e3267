import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// The changelog, `pd look` / `pd sitrep` and `pd briefing`, through the real pd and daemon.
@Suite("Changelog, look and briefing")
struct AwarenessIntegrationTests {
    @Test("changelog entries nest project → stack → context in the tree, export one Markdown section per identity, and age out")
    func changelog() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_CHANGELOG_MAX_AGE": "2", "PORT_DADDY_REAP_INTERVAL": "0.2"])
        _ = try daemon.start()
        #expect(try daemon.pd(["changelog", "add", "myapp", "monorepo layout", "--type", "chore"]).status == 0)
        #expect(try daemon.pd(["changelog", "add", "myapp:api", "rate limits", "--type", "feat"]).status == 0)
        #expect(try daemon.pd(["changelog", "add", "myapp:api:main", "fix the 500 on login", "--type", "fix"]).status == 0)
        #expect(try daemon.pd(["changelog", "add", "other", "hello"]).status == 0)
        let tree = try daemon.client().changelogTree(identity: "myapp").roots
        let root = try #require(tree.first)
        #expect(tree.count == 1 && root.identity == "myapp" && root.count == 3)
        let api = try #require(root.children.first)
        #expect(api.identity == "myapp:api" && api.count == 2 && api.children.first?.identity == "myapp:api:main")
        let text = try daemon.pd(["changelog", "tree", "myapp"]).stdout
        #expect(text.contains("myapp (3)") && text.contains("  myapp:api (2)") && text.contains("    myapp:api:main (1)"), "\(text)")
        let markdown = try daemon.pd(["changelog", "export", "--format", "markdown"]).stdout
        for identity in ["myapp", "myapp:api", "myapp:api:main", "other"] { #expect(markdown.contains("## \(identity)\n"), "\(identity)") }
        #expect(try daemon.pd(["changelog", "add", "Not An Identity!", "x"]).status == 2)
        #expect(try daemon.pd(["changelog", "add", "myapp", "x", "--type", "vibes"]).status == 2)
        // The reaper prunes entries past the max age (2 s here).
        #expect(eventually(timeout: 30) { (try? daemon.client().changelog(identity: nil, since: nil, limit: nil).entries.isEmpty) ?? false })
    }

    @Test("pd done --changelog adds an entry for the session's identity, naming the session")
    func doneChangelog() throws {
        let daemon = try TestDaemon()
        _ = try daemon.start()
        let env = ["PD_AGENT_ID": "writer"]
        #expect(try daemon.pd(["begin", "ship it", "--identity", "shop:web"], environment: env).status == 0)
        let done = try daemon.pd(["done", "--changelog", "checkout redesign shipped"], environment: env)
        #expect(done.status == 0, "\(done.stderr)")
        let entry = try #require(try daemon.client().changelog(identity: "shop", since: nil, limit: nil).entries.first)
        #expect(entry.identity == "shop:web" && entry.summary == "checkout redesign shipped" && entry.agent == "writer")
        #expect(entry.session?.hasPrefix("ses-") == true)
    }

    @Test("pd look lists what the test did in the window; --line is one line; sitrep tells the same")
    func look() throws {
        let daemon = try TestDaemon()
        _ = try daemon.start()
        let env = ["PD_AGENT_ID": "lookout"]
        #expect(try daemon.pd(["begin", "watch the horizon", "--identity", "fleet:deck"], environment: env).status == 0)
        #expect(try daemon.pd(["note", "iceberg at two o'clock", "--type", "finding"], environment: env).status == 0)
        #expect(try daemon.pd(["claim", "fleet:radar"]).status == 0)
        let look = try daemon.client().look(since: "30", project: nil)
        #expect(look.notes.contains { $0.note.text == "iceberg at two o'clock" && $0.agentID == "lookout" })
        #expect(look.activity.contains { $0.subject == "fleet:radar" })
        #expect(look.agents.contains { $0.id == "lookout" })
        let line = try daemon.pd(["look", "--line"]).stdout
        #expect(line.split(separator: "\n").count == 1 && line.contains("1 agent live") && line.contains("in 30m"), "\(line)")
        let other = try daemon.client().look(since: "30m", project: "elsewhere")
        #expect(other.notes.isEmpty && other.agents.isEmpty)
        let sitrep = try daemon.pd(["sitrep"]).stdout
        #expect(sitrep.contains("Situation report") && sitrep.contains("iceberg at two o'clock"), "\(sitrep)")
        #expect(try daemon.pd(["look", "--since", "soon"]).status == 2)
    }

    @Test("pd briefing --write writes .portdaddy/briefing.md (purpose, latest note) and the .gitignore, from the CLI")
    func briefing() throws {
        let daemon = try TestDaemon()
        _ = try daemon.start()
        let project = daemon.home + "-project"
        try FileManager.default.createDirectory(atPath: project + "/src", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: project) }
        try #"{"project":"shop","services":{"web":{"cmd":"true"}}}"#.write(toFile: project + "/.portdaddyrc", atomically: true, encoding: .utf8)
        let env = ["PD_AGENT_ID": "briefer"]
        #expect(try daemon.pd(["begin", "rework the cart", "--identity", "shop:cart"], environment: env).status == 0)
        #expect(try daemon.pd(["note", "cart totals round twice"], environment: env).status == 0)
        let write = try daemon.pd(["briefing", "--write"], environment: env, directory: project + "/src")
        #expect(write.status == 0, "\(write.stderr)")
        let markdown = try String(contentsOfFile: project + "/.portdaddy/briefing.md", encoding: .utf8)
        #expect(markdown.contains("# Briefing: shop") && markdown.contains("rework the cart") && markdown.contains("cart totals round twice"))
        #expect(try String(contentsOfFile: project + "/.portdaddy/.gitignore", encoding: .utf8) == "*\n")
        let json = try Data(contentsOf: URL(fileURLWithPath: project + "/.portdaddy/briefing.json"))
        #expect(try JSONDecoder().decode(BriefingResponse.self, from: json).project == "shop")
        // No route takes a path to write: the daemon only answers GET /briefing.
        #expect(Routes.all.filter { $0.description.contains("briefing") }.map(\.description) == ["GET /briefing"])
    }
}
