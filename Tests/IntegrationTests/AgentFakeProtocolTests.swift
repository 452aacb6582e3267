import Foundation
import PortDaddyTesting
import Testing

/// The stand-ins of Tests/fixtures/agents speak the real protocols: the official Python clients parse fake_llm.py,
/// and fake-agent's transcripts have each CLI's shape with usage that sums to the plan.
@Suite("Agent and LLM stand-ins speak the real protocols")
struct AgentFakeProtocolTests {
    /// The official clients in the test venv (scripts/install-test-deps.sh installs them from PyPI).
    static let clients = ["anthropic", "ollama", "openai"]
    static let missingClients: [String] = {
        let lib = TestDependencies.venv + "/lib"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? []
        return clients.filter { client in
            !versions.contains { FileManager.default.fileExists(atPath: "\(lib)/\($0)/site-packages/\(client)/__init__.py") }
        }
    }()

    /// A plan of two turns whose sums the tests check.
    static var plan: [String: Any] {
        [
            "turns": [
                ["text": "first turn", "input_tokens": 1200, "output_tokens": 345, "cache_read": 100, "cache_write": 50],
                ["text": "second turn", "input_tokens": 15000, "output_tokens": 20, "cache_read": 7, "cache_write": 0],
            ]
        ]
    }

    /// Runs fake-agent as `name` with `plan` and returns the result and its one log line.
    static func runAgent(
        _ name: String, _ arguments: [String], plan: [String: Any] = plan, environment extra: [String: String] = [:], usageFile: String? = nil,
        stdin: String? = nil, directory: String? = nil
    ) throws -> (result: CommandResult, log: [String: Any]) {
        let bin = try AgentStandIns.makeBinDirectory()
        let work = try AgentStandIns.makeTemporaryDirectory(prefix: "pd-fake-run")
        defer {
            try? FileManager.default.removeItem(atPath: bin)
            try? FileManager.default.removeItem(atPath: work)
        }
        try AgentStandIns.writeJSON(plan, to: work + "/plan.json")
        var env = ProcessInfo.processInfo.environment
        env["ANTHROPIC_API_KEY"] = nil
        env.merge(extra) { $1 }
        env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["FAKE_AGENT_PLAN"] = work + "/plan.json"
        env["FAKE_AGENT_LOG"] = work + "/log.jsonl"
        let result =
            if let usageFile {
                try AgentStandIns.runWithDescriptor3(
                    bin + "/" + name, arguments, environment: env, fd3File: usageFile, stdin: stdin, directory: directory)
            } else {
                try CommandResult.run(bin + "/" + name, arguments, environment: env, stdin: stdin, directory: directory)
            }
        let log = try AgentStandIns.jsonLines(work + "/log.jsonl")
        guard log.count == 1 else { throw TestFailure("expected one log line, got \(log.count): \(result.stderr)") }
        return (result, log[0])
    }

    @Test(
        "the official anthropic, ollama and openai Python clients parse fake_llm.py's answers and its 429s",
        .enabled(if: missingClients.isEmpty, "the official clients are not in the test venv (\(missingClients)): run scripts/install-test-deps.sh"))
    func officialClientsParseFakeLLM() throws {
        let run = try CommandResult.run(
            try TestDependencies.python(), [AgentStandIns.directory + "/check_fake_llm.py"], environment: ProcessInfo.processInfo.environment)
        #expect(run.status == 0, "\(run.stderr)")
        let line = run.output.split(separator: "\n").last.map(String.init) ?? ""
        let report = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(run.stdout)")
        let anthropic = try #require(report["anthropic"] as? [String: Any])
        #expect(anthropic["text"] as? String == "Hello, official client")
        #expect(anthropic["model"] as? String == "fake-model-1")
        #expect(anthropic["stop_reason"] as? String == "end_turn")
        #expect(anthropic["input"] as? Int == 1234 && anthropic["output"] as? Int == 56)
        #expect(anthropic["cacheRead"] as? Int == 7 && anthropic["cacheWrite"] as? Int == 8)
        let ollama = try #require(report["ollama"] as? [String: Any])
        #expect(ollama["text"] as? String == "Hello, official client")
        #expect(ollama["done"] as? Bool == true)
        #expect(ollama["input"] as? Int == 1234 && ollama["output"] as? Int == 56)
        let openai = try #require(report["openai"] as? [String: Any])
        #expect(openai["text"] as? String == "Hello, official client")
        #expect(openai["finish_reason"] as? String == "stop")
        #expect(openai["input"] as? Int == 1234 && openai["output"] as? Int == 56 && openai["cached"] as? Int == 7)
        let errors = try #require(report["errors"] as? [String: [String: Any]])
        #expect(Set(errors.keys) == Set(Self.clients))
        for (client, error) in errors {
            #expect(error["status"] as? Int == 429 && error["message"] as? String == "slow down, fake", "\(client)")
        }
        let requests = try #require(report["requests"] as? [[String: Any]])
        let paths = ["/v1/messages", "/api/chat", "/v1/chat/completions"]
        #expect(requests.map { $0["path"] as? String } == paths + paths)
        #expect(requests.map { $0["key_present"] as? Bool } == [true, false, true, true, false, true])
        #expect(report["anthropic_version_sent"] as? Bool == true)
    }

    @Test("claude: system init, one assistant line per turn with its usage, a result whose usage sums the turns")
    func claudeStreamJSON() throws {
        var plan = Self.plan
        plan["cost_usd"] = 0.012345
        let (run, log) = try Self.runAgent(
            "claude", ["-p", "fix it", "--output-format", "stream-json", "--verbose", "--model", "claude-x"], plan: plan,
            environment: ["ANTHROPIC_API_KEY": "sk-marker-never-logged", "PD_AGENT_ID": "agent-1234abcd"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try AgentStandIns.jsonLines(text: run.stdout)
        #expect(lines.map { $0["type"] as? String } == ["system", "assistant", "assistant", "result"])
        #expect(lines[0]["subtype"] as? String == "init" && lines[0]["model"] as? String == "claude-x")
        var sums = [String: Int]()
        for line in lines[1...2] {
            let message = try #require(line["message"] as? [String: Any])
            let usage = try #require(message["usage"] as? [String: Any])
            for (key, value) in usage { if let count = value as? Int { sums[key, default: 0] += count } }
            let content = try #require(message["content"] as? [[String: Any]])
            #expect(content.first?["type"] as? String == "text")
        }
        let result = lines[3]
        #expect(result["subtype"] as? String == "success" && result["is_error"] as? Bool == false)
        #expect(result["result"] as? String == "second turn")
        #expect(result["total_cost_usd"] as? Double == 0.012345)
        let usage = try #require(result["usage"] as? [String: Any])
        #expect(usage["input_tokens"] as? Int == 16200 && usage["output_tokens"] as? Int == 365)
        #expect(usage["cache_read_input_tokens"] as? Int == 107 && usage["cache_creation_input_tokens"] as? Int == 50)
        for key in ["input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"] {
            #expect(usage[key] as? Int == sums[key], "\(key)")
        }
        // The log line: what was launched, the PD_* environment, whether the key was present (never its value).
        #expect((log["argv"] as? [String])?.first?.hasSuffix("/claude") == true)
        #expect((log["argv"] as? [String])?.dropFirst() == ["-p", "fix it", "--output-format", "stream-json", "--verbose", "--model", "claude-x"])
        #expect(log["task"] as? String == "fix it")
        #expect(log["anthropic_key_present"] as? Bool == true)
        #expect((log["env"] as? [String: String])?["PD_AGENT_ID"] == "agent-1234abcd")
        #expect(!(run.stdout + run.stderr).contains("sk-marker-never-logged"))
    }

    @Test("claude --output-format json prints only the result object; a planned failure makes it an error with that exit code")
    func claudeJSONFailure() throws {
        var plan = Self.plan
        plan["exit"] = 3
        let (run, _) = try Self.runAgent("claude", ["-p", "fail", "--output-format", "json"], plan: plan)
        #expect(run.status == 3)
        let lines = try AgentStandIns.jsonLines(text: run.stdout)
        #expect(lines.count == 1)
        #expect(lines.first?["type"] as? String == "result" && lines.first?["is_error"] as? Bool == true)
        #expect(lines.first?["subtype"] as? String == "error_during_execution")
        // No cost_usd in the plan: computed from the tokens at Sonnet's list price, (16200×3 + 365×15 + 107×0.30 + 50×3.75) / 1e6.
        #expect(lines.first?["total_cost_usd"] as? Double == 0.0542946)
    }

    @Test("codex exec --json: thread.started, then per turn turn.started, item.completed and turn.completed with its usage")
    func codexJSONL() throws {
        let (run, log) = try Self.runAgent("codex", ["exec", "--json", "-m", "gpt-x", "fix it"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try AgentStandIns.jsonLines(text: run.stdout)
        #expect(
            lines.map { $0["type"] as? String } == [
                "thread.started", "turn.started", "item.completed", "turn.completed", "turn.started", "item.completed", "turn.completed",
            ])
        let items = lines.compactMap { $0["item"] as? [String: Any] }
        #expect(items.map { $0["type"] as? String } == ["agent_message", "agent_message"])
        #expect(items.map { $0["text"] as? String } == ["first turn", "second turn"])
        let usages = lines.compactMap { $0["usage"] as? [String: Int] }
        #expect(usages.map { $0["input_tokens"] ?? -1 }.reduce(0, +) == 16200)
        #expect(usages.map { $0["cached_input_tokens"] ?? -1 }.reduce(0, +) == 107)
        #expect(usages.map { $0["output_tokens"] ?? -1 }.reduce(0, +) == 365)
        #expect(log["task"] as? String == "fix it")
    }

    @Test("aider: the text, then aider's rounded Tokens/Cost line per message")
    func aiderRoundedReport() throws {
        let (run, _) = try Self.runAgent("aider", ["--yes", "--no-stream", "--no-pretty", "--message", "fix it"])
        #expect(run.status == 0, "\(run.stderr)")
        let reports = run.stdout.split(separator: "\n").filter { $0.hasPrefix("Tokens: ") }
        #expect(
            reports == [
                "Tokens: 1.2k sent, 50 cache write, 100 cache hit, 345 received. Cost: $0.0090 message, $0.0090 session.",
                "Tokens: 15k sent, 7 cache hit, 20 received. Cost: $0.05 message, $0.05 session.",
            ])
        #expect(run.stdout.contains("first turn\n") && run.stdout.contains("second turn\n"))
    }

    @Test("gemini -p --output-format json: one object with the response and per-model token stats")
    func geminiJSON() throws {
        let (run, _) = try Self.runAgent("gemini", ["-p", "fix it", "--output-format", "json", "-m", "gemini-x"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["response"] as? String == "first turn\nsecond turn")
        let models = try #require((object["stats"] as? [String: Any])?["models"] as? [String: [String: Any]])
        let tokens = try #require(models["gemini-x"]?["tokens"] as? [String: Int])
        #expect(tokens["prompt"] == 16200 && tokens["candidates"] == 365 && tokens["cached"] == 107 && tokens["total"] == 16565)
    }

    @Test("fake-custom: task from PD_TASK, stdin logged, cumulative pd_usage lines on PD_USAGE_FD after each turn")
    func customUsageDescriptor() throws {
        let dir = try AgentStandIns.makeTemporaryDirectory(prefix: "pd-fake-usage")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var plan = Self.plan
        plan["model"] = "m"
        plan["write_files"] = ["out/result.txt": "written by the agent"]
        let (run, log) = try Self.runAgent(
            "fake-custom", ["--flag", "value"], plan: plan, environment: ["PD_TASK": "the task", "PD_USAGE_FD": "3"], usageFile: dir + "/usage",
            stdin: "the task\n", directory: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "first turn\nsecond turn\n")
        let usage = try String(contentsOfFile: dir + "/usage", encoding: .utf8)
        #expect(
            usage == """
                {"pd_usage":{"input":1200,"output":345,"cacheRead":100,"cacheWrite":50,"model":"m"}}
                {"pd_usage":{"input":16200,"output":365,"cacheRead":107,"cacheWrite":50,"model":"m"}}

                """)
        #expect(log["task"] as? String == "the task" && log["stdin"] as? String == "the task\n")
        #expect(log["fd3_open"] as? Bool == true)
        #expect(log["cwd"] as? String == dir)
        #expect(try String(contentsOfFile: dir + "/out/result.txt", encoding: .utf8) == "written by the agent")

        plan["report_usage"] = false
        let silent = try Self.runAgent(
            "fake-custom", [], plan: plan, environment: ["PD_TASK": "t", "PD_USAGE_FD": "3"], usageFile: dir + "/silent", directory: dir)
        #expect(silent.result.status == 0)
        #expect(((try? String(contentsOfFile: dir + "/silent", encoding: .utf8)) ?? "").isEmpty)
        #expect(silent.log["fd3_open"] as? Bool == true)
    }

    @Test("pd_calls run through the pd on PATH with the agent's environment; a failing call is reported, not fatal")
    func pdCalls() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        var plan = Self.plan
        plan["pd_calls"] = [["note", "found X"], ["no-such-command"]]
        let pdDirectory = (daemon.binary as NSString).deletingLastPathComponent
        var env = daemon.environment
        env["PATH"] = pdDirectory + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["PD_AGENT_ID"] = "agent-fakecall"
        let (run, log) = try Self.runAgent("codex", ["exec", "--json", "note it"], plan: plan, environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("fake-agent: pd no-such-command exited 2"), "\(run.stderr)")
        #expect((log["env"] as? [String: String])?["PORT_DADDY_HOME"] == daemon.home)
        let notes = try daemon.pd(["notes"], environment: ["PD_AGENT_ID": "agent-fakecall"])
        #expect(notes.stdout.contains("found X"), "\(notes.stdout)")
    }

    @Test("SIGTERM exits 143; a setsid grandchild runs in a session of its own; ignore_sigterm really ignores it")
    func signalsAndGrandchild() throws {
        let work = try AgentStandIns.makeTemporaryDirectory(prefix: "pd-fake-signal")
        let bin = try AgentStandIns.makeBinDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: work)
            try? FileManager.default.removeItem(atPath: bin)
        }
        var env = ProcessInfo.processInfo.environment
        env["FAKE_AGENT_PLAN"] = work + "/plan.json"
        env["FAKE_AGENT_LOG"] = work + "/log.jsonl"
        func start(_ plan: [String: Any]) throws -> (RunningCommand, [String: Any]) {
            try? FileManager.default.removeItem(atPath: work + "/log.jsonl")
            try AgentStandIns.writeJSON(plan, to: work + "/plan.json")
            let agent = try RunningCommand(bin + "/claude", ["-p", "hang"], environment: env, ownGroup: true)
            // Wait until the first turn is out (the agent then hangs), so the signal lands in the hang.
            #expect(eventually { agent.outputSoFar.contains("\"type\":\"assistant\"") })
            return (agent, try #require(try AgentStandIns.jsonLines(work + "/log.jsonl").first))
        }

        let (agent, log) = try start(["hang_after_turn": 1, "grandchild": ["cmd": "sleep 300", "setsid": true]])
        let grandchild = try #require(log["grandchild_pid"] as? Int)
        defer { kill(pid_t(grandchild), SIGKILL) }
        #expect(log["pid"] as? Int == Int(agent.pid) && log["pgid"] as? Int == Int(agent.pid))
        let grandchildSession = try #require(Self.sessionID(of: pid_t(grandchild)))
        #expect(grandchildSession == grandchild && grandchildSession != log["sid"] as? Int)
        kill(agent.pid, SIGTERM)
        let ended = agent.wait()
        #expect(ended.status == 143)
        #expect(!ended.stdout.contains("\"type\":\"result\""))
        #expect(kill(pid_t(grandchild), 0) == 0, "the setsid grandchild outlives its parent, as a real one would")

        let (stubborn, _) = try start(["hang_after_turn": 1, "ignore_sigterm": true])
        #expect(Self.ignoresSIGTERM(stubborn.pid))
        kill(stubborn.pid, SIGTERM)
        kill(stubborn.pid, SIGKILL)
        #expect(stubborn.wait().status == 128 + SIGKILL)
    }

    @Test("die_by_signal ends the agent by that signal, after its turns and without a result")
    func dieBySignal() throws {
        var plan = Self.plan
        plan["die_by_signal"] = "SIGKILL"
        let (run, _) = try Self.runAgent("claude", ["-p", "x"], plan: plan)
        #expect(run.status == 128 + SIGKILL)
        #expect(try AgentStandIns.jsonLines(text: run.stdout).map { $0["type"] as? String } == ["system", "assistant", "assistant"])
    }

    /// The session id of `pid` (field 6 of /proc/PID/stat).
    static func sessionID(of pid: pid_t) -> Int? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 3 ? Int(fields[3]) : nil
    }

    /// Whether `pid` ignores SIGTERM (bit 15 of SigIgn in /proc/PID/status).
    static func ignoresSIGTERM(_ pid: pid_t) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigIgn:") }),
            let mask = UInt64(line.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return mask & (1 << (UInt64(SIGTERM) - 1)) != 0
    }
}
