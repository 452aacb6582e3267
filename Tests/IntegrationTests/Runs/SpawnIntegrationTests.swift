import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// `pd spawn` against the real daemon with stand-in agents on PATH: exact argv, coordination wired in, exact
/// telemetry, fail-closed refusals, whole-tree kills, budgets, timeouts, and what survives a daemon crash.
@Suite("Agent launcher: pd spawn")
struct SpawnIntegrationTests {
    @Test("claude-cli attached: result printed, exact tokens and reported cost, exact argv in the workdir, agent wired in, no shell")
    func claudeAttached() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("thinking", 1200, 300), ("all done", 800, 150)]), "cost_usd": 0.012345])
        let result = try bench.pd(["spawn", "--backend", "claude-cli", "--model", "claude-sonnet-4-5", "--budget", "0.10", "--", "say", "hi"])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("all done"))
        let runs = try bench.daemon.client().runs(all: true, project: nil).runs
        let run = try #require(runs.first)
        #expect(run.state == .succeeded)
        #expect(run.tokens.input == 2000 && run.tokens.output == 450)
        #expect(run.cost.micros == 12345)
        #expect(run.telemetry == .exact)
        let start = try #require(bench.starts.first)
        let argv = try #require(start["argv"] as? [String])
        #expect(argv.first == bench.bin + "/claude")
        #expect(
            Array(argv.dropFirst()) == ["-p", "say hi", "--output-format", "stream-json", "--verbose", "--model", "claude-sonnet-4-5"])
        #expect(start["cwd"] as? String == bench.workdir)
        let env = try #require(start["env"] as? [String: String])
        #expect(env["PD_AGENT_ID"] == run.agentID)
        #expect(env["PD_RUN_ID"] == run.id)
        #expect(env["PD_SESSION_ID"] == run.sessionID)
        #expect(env["PORT_DADDY_SOCKET"] == bench.daemon.home + "/pd.sock")
        // Its own process group, started directly (not through a shell).
        #expect(start["pid"] as? Int == start["pgid"] as? Int)
        // A clean exit closes the session with a handoff note and the agent is gone.
        let sessions = try bench.daemon.client().sessions(all: true).sessions
        let session = try #require(sessions.first { $0.id == run.sessionID })
        #expect(session.state == "completed")
        #expect(session.notes.contains { $0.type == .handoff && $0.text.contains("all done") })
    }

    @Test("codex: cost is the tokens times the rate table, exact to the micro-dollar")
    func codexCost() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("one", 1_234_567, 1000), ("two", 1000, 2345)])])
        let result = try bench.pd(["spawn", "--backend", "codex", "--model", "gpt-5", "--budget", "5", "-q", "--", "count"])
        #expect(result.status == 0, "\(result.stderr)")
        let run = try #require(try bench.daemon.client().runs(all: true, project: nil).runs.first)
        #expect(run.tokens.input == 1_235_567 && run.tokens.output == 3345)
        // gpt-5: 1.25 USD per million input tokens, 10 per million output tokens.
        // 1,235,567 × 1.25 + 3,345 × 10 = 1,544,458.75 + 33,450 → 1,577,909 µUSD (rounded half up).
        #expect(run.cost.micros == 1_577_909)
        let argv = try #require(bench.starts.first?["argv"] as? [String])
        #expect(Array(argv.dropFirst()) == ["exec", "--json", "-m", "gpt-5", "count"])
    }

    @Test("aider (rounded counts) and gemini (unconfirmed format) are refused with exit 4 and nothing starts")
    func failClosed() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("x", 1, 1)])])
        for backend in ["aider", "gemini"] {
            let result = try bench.pd(["spawn", "--backend", backend, "--budget", "1", "--", "do it"])
            #expect(result.status == 4, "\(backend): \(result.stderr)")
            #expect(result.stderr.contains("cost"), "\(result.stderr)")
        }
        #expect(bench.starts.isEmpty)
        let unknown = try bench.pd(["spawn", "--backend", "hal9000", "--budget", "1", "--", "open the pod bay doors"])
        #expect(unknown.status == 2, "\(unknown.stderr)")
        let noBudget = try bench.pd(["spawn", "--backend", "claude-cli", "--", "hi"])
        #expect(noBudget.status == 4 && noBudget.stderr.contains("budget"), "\(noBudget.stderr)")
    }

    @Test("kill takes the whole tree, setsid grandchild and SIGTERM-ignoring agent included; the session goes to salvage")
    func killWholeTree() throws {
        let bench = try AgentBench()
        let marker = String(Int.random(in: 100_000...999_999))
        try bench.plan([
            "turns": AgentBench.turns([("working", 10, 10)]), "hang_after_turn": 1, "ignore_sigterm": true,
            "grandchild": ["cmd": "sleep \(marker)", "setsid": true], "pd_calls": [["note", "found the bug in parser.swift"]],
        ])
        let detach = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--detach", "--", "fix it"])
        #expect(detach.status == 0, "\(detach.stderr)")
        let id = detach.output
        #expect(id.hasPrefix("run-"))
        #expect(eventually { !AgentBench.alive(commandLine: ["sleep", marker]).isEmpty })
        let run = try bench.run(id)
        #expect(
            eventually {
                (try? bench.daemon.client().sessions(all: true).sessions.first { $0.id == run.sessionID }?.notes.isEmpty == false)
                    ?? false
            })
        let killed = try bench.pd(["spawn", "kill", id])
        #expect(killed.status == 0, "\(killed.stderr)")
        let ended = try bench.ended(id)
        #expect(ended.state == .killed && ended.reason == "user")
        #expect(AgentBench.alive(commandLine: ["sleep", marker]).isEmpty)
        if let pid = ended.pid { #expect(kill(pid_t(pid), 0) != 0) }
        let salvage = try bench.pd(["salvage", "--json"])
        #expect(salvage.stdout.contains(run.agentID) && salvage.stdout.contains("found the bug in parser.swift"), "\(salvage.stdout)")
        // Killing it again is a no-op that says so.
        let again = try bench.kill(id)
        #expect(again.alreadyEnded == true && again.state == .killed)
    }

    @Test("the per-run budget is a hard cap: the run is killed right after the usage that passes it")
    func runBudget() throws {
        let bench = try AgentBench()
        // gpt-5: each turn of 10,000 in / 1,000 out costs 0.0125 + 0.01 = 0.0225 USD.
        try bench.plan([
            "turns": AgentBench.turns([("a", 10_000, 1000), ("b", 10_000, 1000), ("c", 10_000, 1000)], delayMs: 400), "hang_after_turn": 3,
        ])
        let result = try bench.pd(["spawn", "--backend", "codex", "--model", "gpt-5", "--budget", "0.03", "--", "spend"])
        #expect(result.status == 9, "\(result.stderr)")
        let run = try #require(try bench.daemon.client().runs(all: true, project: nil).runs.first)
        #expect(run.state == .killed && run.reason == "run-budget")
        #expect(run.cost.micros > 30_000 && run.cost.micros <= 30_000 + 22_500)
    }

    @Test("--timeout kills a hanging run: killed(timeout), exit 9")
    func timeout() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("start", 1, 1)]), "hang_after_turn": 1])
        let result = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--timeout", "1s", "--", "hang"])
        #expect(result.status == 9)
        let run = try #require(try bench.daemon.client().runs(all: true, project: nil).runs.first)
        #expect(run.state == .killed && run.reason == "timeout")
    }

    @Test("-q prints only the result; a failed run prints nothing on stdout and exits 9")
    func quiet() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("noise", 1, 1), ("THE ANSWER", 1, 1)])])
        let ok = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "-q", "--", "answer"])
        #expect(ok.status == 0 && ok.output == "THE ANSWER", "\(ok.stdout) \(ok.stderr)")
        try bench.plan(["turns": AgentBench.turns([("partial", 1, 1)]), "exit": 3])
        let failed = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "-q", "--", "answer"])
        #expect(failed.status == 9 && failed.output.isEmpty, "\(failed.stdout)")
    }

    @Test("--dry-run prints the checklist and the exact argv with environment names only, and starts nothing")
    func dryRun() throws {
        let bench = try AgentBench()
        let result = try bench.pd(
            ["spawn", "--backend", "claude-cli", "--budget", "1", "--dry-run", "--env", "SECRET_THING=hunter2", "--", "plan it"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("argv: \(bench.bin)/claude -p 'plan it' --output-format stream-json --verbose"), "\(result.stdout)")
        #expect(result.stdout.contains("SECRET_THING=***") && !result.stdout.contains("hunter2"))
        #expect(result.stdout.contains("✔ telemetry"))
        #expect(bench.starts.isEmpty)
        #expect(try bench.daemon.client().runs(all: true, project: nil).runs.isEmpty)
    }

    @Test("display names: from --name, else from the task; pd agents shows them")
    func displayNames() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("ok", 1, 1)]), "hang_after_turn": 1])
        let named = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--name", "Night Watch", "--detach", "--", "x"])
        let derived = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--detach", "--", "summarize the latest auth diff"])
        let agents = try bench.pd(["agents"])
        #expect(agents.stdout.contains("Night Watch") && agents.stdout.contains("Summarize Latest Auth Diff"), "\(agents.stdout)")
        for id in [named.output, derived.output] { _ = try bench.kill(id) }
    }

    @Test("pd agent \"task\" launches with the project's agents.defaults and the identity <project>:agent, checklist first")
    func agentDefaults() throws {
        let bench = try AgentBench()
        let config =
            #"{"project":"shop","services":{"web":{"cmd":"true"}},"agents":{"defaults":{"backend":"codex","model":"gpt-5","budget":"0.25"}}}"#
        try config.write(toFile: bench.workdir + "/.portdaddyrc", atomically: true, encoding: .utf8)
        try bench.plan(["turns": AgentBench.turns([("shipped", 10, 10)])])
        let result = try bench.pd(["agent", "ship the release notes"])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stderr.contains("✔ telemetry: exact, model gpt-5"), "\(result.stderr)")
        let run = try #require(try bench.daemon.client().runs(all: true, project: "shop").runs.first)
        #expect(run.backend == "codex" && run.model == "gpt-5" && run.identity == "shop:agent" && run.budget.micros == 250_000)
        // Flags still win over the defaults.
        let limited = try bench.pd(["agent", "run", "--budget", "0.01", "register the domain"])
        #expect(limited.status == 0, "\(limited.stderr)")
        #expect(try bench.daemon.client().runs(all: true, project: "shop").runs.contains { $0.budget.micros == 10_000 })
    }

    @Test("PORT_DADDY_MAX_RUNS caps the runs going at once (CONCURRENCY_LIMIT, exit 4)")
    func concurrencyLimit() throws {
        let bench = try AgentBench(daemonEnvironment: ["PORT_DADDY_MAX_RUNS": "1"])
        try bench.plan(["turns": AgentBench.turns([("up", 1, 1)]), "hang_after_turn": 1])
        let first = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--detach", "--", "one"])
        #expect(first.status == 0)
        let second = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--detach", "--", "two"])
        #expect(second.status == 4 && second.stderr.contains("PORT_DADDY_MAX_RUNS"), "\(second.stderr)")
        _ = try bench.kill(first.output)
    }

    @Test("HTTP backends (claude API, ollama) through pd-llm: exact tokens; the key reaches the server, never pd's output or the record")
    func httpBackends() throws {
        let bench = try AgentBench()
        let server = try FakeLLM(plan: ["text": "Patched it.", "input_tokens": 321, "output_tokens": 54, "cache_read": 0, "cache_write": 0])
        let marker = "sk-ant-MARKER-\(UUID().uuidString)"
        let claude = try bench.pd(
            ["spawn", "--backend", "claude", "--model", "claude-haiku-4-5", "--budget", "1", "--", "patch it"],
            environment: ["ANTHROPIC_BASE_URL": server.baseURL, "ANTHROPIC_API_KEY": marker])
        #expect(claude.status == 0, "\(claude.stdout) \(claude.stderr)")
        #expect(claude.stdout.contains("Patched it.") && !(claude.stdout + claude.stderr).contains(marker))
        let run = try #require(try bench.daemon.client().runs(all: true, project: nil).runs.first)
        #expect(run.tokens.input == 321 && run.tokens.output == 54 && run.telemetry == .exact)
        // claude-haiku-4-5: 1 USD per million input tokens, 5 per million output: 321 + 270 = 591 µUSD.
        #expect(run.cost.micros == 591)
        let request = try #require(try server.requests().first)
        #expect(request["path"] as? String == "/v1/messages" && request["key_present"] as? Bool == true)
        let record = try bench.pd(["spawned", "--json"]).stdout + (try bench.pd(["spawn", "logs", run.id]).stdout)
        #expect(!record.contains(marker))

        let ollama = try bench.pd(
            ["spawn", "--backend", "ollama", "--model", "llama3", "--budget", "0", "-q", "--", "summarize"],
            environment: ["OLLAMA_HOST": server.baseURL])
        #expect(ollama.status == 0 && ollama.output == "Patched it.", "\(ollama.stderr)")
        let local = try #require(try bench.daemon.client().runs(all: true, project: nil).runs.first { $0.backend == "ollama" })
        #expect(local.tokens.input == 321 && local.tokens.output == 54 && local.cost.micros == 0)
    }
}
