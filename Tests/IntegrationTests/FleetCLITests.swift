import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

@Suite("pd fleet init / validate through the real pd, in a real git repository")
struct FleetCLITests {
    @Test("init writes a starter that validates clean and a post-commit hook that publishes git:committed; refuses a second time; --force")
    func initWritesFileAndHook() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let repo = try GitRepo(daemon, files: ["a.txt": "a\n"])
        let first = try repo.pd(["fleet", "init"], as: "alice")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.output == "wrote \(repo.path)/pd-fleet.yml\ninstalled \(repo.path)/.git/hooks/post-commit", "\(first.output)")
        let hook = try #require(repo.read(".git/hooks/post-commit"))
        #expect(hook.contains("Installed by pd fleet init") && hook.contains(#" pub git:committed "$(git rev-parse HEAD)""#), "\(hook)")
        #expect(FileManager.default.isExecutableFile(atPath: repo.path + "/.git/hooks/post-commit"))
        let clean = try repo.pd(["fleet", "validate"], as: "alice")
        #expect(
            clean.status == 0 && clean.output == "\(repo.path)/pd-fleet.yml: valid, fleet repo-dev, 2 agent(s): reviewer, nightly", "\(clean.output)")

        // A second init refuses and leaves the (edited) file alone; --force rewrites it.
        try repo.write("pd-fleet.yml", "fleet: {}\n")
        let second = try repo.pd(["fleet", "init"], as: "alice")
        #expect(second.status == 2 && second.stderr == "pd: \(repo.path)/pd-fleet.yml exists; pass --force to replace it\n", "\(second.stderr)")
        #expect(repo.read("pd-fleet.yml") == "fleet: {}\n")
        #expect(try repo.pd(["fleet", "init", "--force"], as: "alice").status == 0)
        #expect(repo.read("pd-fleet.yml")?.contains("reviewer:") == true)

        // The hook publishes each commit's hash on git:committed (run by git with this daemon's environment).
        try repo.git(["add", "a.txt"])
        let commit = try CommandResult.run(
            "/usr/bin/env", ["git", "-C", repo.path, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "one"],
            environment: daemon.environment)
        #expect(commit.status == 0, "\(commit.stderr)")
        let head = try repo.git(["rev-parse", "HEAD"]).output
        let message = try repo.pd(["sub", "git:committed", "--since", "0", "--once", "--json"], as: "alice")
        #expect(message.status == 0 && message.output.contains(head), "\(message.output) \(message.stderr)")
    }

    @Test("init never overwrites a foreign post-commit hook: the file is written, the hook left, a note says what to add")
    func foreignHook() throws {
        let daemon = try TestDaemon()
        let repo = try GitRepo(daemon, files: [".git/hooks/post-commit": "#!/bin/sh\necho mine\n"])
        let result = try repo.pd(["fleet", "init"], as: "alice")
        #expect(result.status == 0 && result.output == "wrote \(repo.path)/pd-fleet.yml", "\(result.output)")
        #expect(result.stderr.contains("post-commit exists and is not pd's; add a line running"), "\(result.stderr)")
        #expect(repo.read(".git/hooks/post-commit") == "#!/bin/sh\necho mine\n")
    }

    @Test("validate: a broken file → exit 2 with each problem's path on stdout and one summary line on stderr; --json")
    func validateBroken() throws {
        let daemon = try TestDaemon()
        let repo = try GitRepo(daemon, files: [:])
        try repo.write(
            "fleets/broken.yml",
            """
            fleet:
              name: demo
              agents:
                qa:
                  trigger: git:committed
                  schedule: "*/61 * * * *"
                  backend: claude-cli
                  prompt: "Review {message} by {author}"
                nobody:
                  backend: nope
                  prompt: x
                loop:
                  trigger: again
                  backend: codex
                  prompt: x
                  on_success: "publish again"
              channels:
                git:committed: {consumers: [qa, ghost]}

            """)
        let text = try repo.pd(["fleet", "validate", "fleets/broken.yml"], as: "alice")
        #expect(text.status == 2)
        #expect(
            text.stdout.split(separator: "\n") == [
                #"fleet.agents.qa.schedule: "*/61 * * * *" is not a valid cron expression: minute 61 is out of 0-59"#,
                "fleet.agents.qa.prompt: unknown template variable {author} (known: {project} {branch} {fleet} "
                    + "{agent} {channel} {message} {sender} {message_id})",
                "fleet.agents.nobody: needs a trigger (a channel), a schedule (cron), or both",
                #"fleet.agents.nobody.backend: unknown backend "nope" (known: aider, claude, claude-cli, codex, gemini, ollama, openai)"#,
                #"fleet.channels.git:committed.consumers[1]: "ghost" is no agent of this fleet (agents: loop, nobody, qa)"#,
                "warning: fleet.agents.loop.on_success: trigger/publish cycle loop → loop: each message wakes "
                    + "the next agent until the chain stops at hop 8",
            ], "\(text.stdout)")
        #expect(text.stderr == "pd: fleets/broken.yml is not valid: 5 error(s), 1 warning(s)\n", "\(text.stderr)")

        let json = try repo.pd(["fleet", "validate", "fleets/broken.yml", "--json"], as: "alice")
        #expect(json.status == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false && object["file"] as? String == "fleets/broken.yml")
        let problems = try #require(object["problems"] as? [[String: String]])
        #expect(problems.count == 6 && problems[0]["path"] == "fleet.agents.qa.schedule" && problems[0]["severity"] == "error")
        #expect(problems[5]["severity"] == "warning" && problems[5]["path"] == "fleet.agents.loop.on_success")

        // Warnings alone exit 0; a missing file is exit 5.
        try repo.write("pd-fleet.yml", "fleet:\n  name: w\n  agents:\n    a: {trigger: t, backend: codex, prompt: p, on_success: publish t}\n")
        let warned = try repo.pd(["fleet", "validate"], as: "alice")
        #expect(warned.status == 0 && warned.stdout.hasPrefix("warning: fleet.agents.a.on_success: trigger/publish cycle a → a"), "\(warned.stdout)")
        #expect(try repo.pd(["fleet", "validate", "nope.yml"], as: "alice").status == 5)
    }
}
