import Foundation
import PortDaddyTesting
import Testing

/// `pd-llm`, the one-call LLM client the daemon runs for the claude, ollama and openai backends, against fake_llm.py.
@Suite("pd-llm calls each LLM API once and reports its exact usage")
struct LLMCallTests {
    /// A key that must reach the server as a header and never appear in pd-llm's output.
    static let marker = "sk-marker-7f3a9c-never-printed"

    /// Runs pd-llm with descriptor 3 open on a file and `PD_USAGE_FD=3`; returns the result and what it wrote there.
    static func call(
        _ arguments: [String], environment extra: [String: String] = [:], stdin: String? = nil
    ) throws -> (result: CommandResult, usage: String) {
        let dir = try AgentStandIns.makeTemporaryDirectory(prefix: "pd-llm-test")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var env = ProcessInfo.processInfo.environment
        for key in ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "PD_TASK", "PD_USAGE_FD"] { env[key] = nil }
        env["PD_USAGE_FD"] = "3"
        env.merge(extra) { $1 }
        let binary = try TestDaemon.locateExecutable("pd-llm")
        let result = try AgentStandIns.runWithDescriptor3(binary, arguments, environment: env, fd3File: dir + "/usage", stdin: stdin ?? "")
        return (result, (try? String(contentsOfFile: dir + "/usage", encoding: .utf8)) ?? "")
    }

    static var plan: [String: Any] {
        ["text": "Here is the fix.", "input_tokens": 1234, "output_tokens": 56, "cache_read": 7, "cache_write": 8, "model": "answered-model"]
    }

    @Test("anthropic: x-api-key and anthropic-version sent, reply on stdout, the exact usage line with cache counts on fd 3")
    func anthropic() throws {
        let server = try FakeLLM(plan: Self.plan)
        let (run, usage) = try Self.call(
            ["--api", "anthropic", "--base-url", server.baseURL, "--model", "claude-asked", "--max-tokens", "300"],
            environment: ["ANTHROPIC_API_KEY": Self.marker, "PD_TASK": "fix the flaky test"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "Here is the fix.\n" && run.stderr.isEmpty)
        #expect(usage == "{\"pd_usage\":{\"input\":1234,\"output\":56,\"cacheRead\":7,\"cacheWrite\":8,\"model\":\"answered-model\"}}\n")
        let request = try #require(try server.requests().first)
        #expect(request["path"] as? String == "/v1/messages" && request["key_present"] as? Bool == true)
        let headers = request["headers"] as? [String] ?? []
        #expect(headers.contains("x-api-key") && headers.contains("anthropic-version") && !headers.contains("authorization"))
        let body = try #require(request["body"] as? [String: Any])
        #expect(body["model"] as? String == "claude-asked" && body["max_tokens"] as? Int == 300)
        let messages = body["messages"] as? [[String: String]]
        #expect(messages == [["role": "user", "content": "fix the flaky test"]])
        #expect(!(run.stdout + run.stderr + usage).contains(Self.marker))
    }

    @Test("ollama: stream false, the task from stdin when PD_TASK is unset, prompt_eval_count/eval_count as the usage")
    func ollama() throws {
        let server = try FakeLLM(plan: Self.plan)
        let (run, usage) = try Self.call(
            ["--api", "ollama", "--base-url", server.baseURL + "/", "--model", "llama3"], stdin: "summarize the diff\n")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "Here is the fix.\n")
        #expect(usage == "{\"pd_usage\":{\"input\":1234,\"output\":56,\"cacheRead\":0,\"cacheWrite\":0,\"model\":\"answered-model\"}}\n")
        let request = try #require(try server.requests().first)
        #expect(request["path"] as? String == "/api/chat" && request["key_present"] as? Bool == false)
        let body = try #require(request["body"] as? [String: Any])
        #expect(body["stream"] as? Bool == false && body["model"] as? String == "llama3")
        #expect((body["messages"] as? [[String: String]])?.first?["content"] == "summarize the diff\n")
    }

    @Test("openai-compatible: Authorization: Bearer sent, a base ending in /v1 gets no second /v1, prompt/completion tokens")
    func openai() throws {
        let server = try FakeLLM(plan: Self.plan)
        for base in [server.baseURL, server.baseURL + "/v1"] {
            let (run, usage) = try Self.call(
                ["--api=openai", "--base-url=\(base)", "--model=gpt-x"], environment: ["OPENAI_API_KEY": Self.marker, "PD_TASK": "hi"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout == "Here is the fix.\n")
            #expect(usage == "{\"pd_usage\":{\"input\":1234,\"output\":56,\"cacheRead\":0,\"cacheWrite\":0,\"model\":\"answered-model\"}}\n")
            #expect(!(run.stdout + run.stderr + usage).contains(Self.marker))
        }
        let requests = try server.requests()
        #expect(requests.map { $0["path"] as? String } == ["/v1/chat/completions", "/v1/chat/completions"])
        #expect(requests.allSatisfy { $0["key_present"] as? Bool == true && ($0["headers"] as? [String])?.contains("authorization") == true })
    }

    @Test("an HTTP error is one stderr line with the server's message, exit 1, no usage line", arguments: ["anthropic", "ollama", "openai"])
    func httpError(api: String) throws {
        let server = try FakeLLM(plan: ["status": 429, "error_message": "rate limited, retry later"])
        let (run, usage) = try Self.call(
            ["--api", api, "--base-url", server.baseURL, "--model", "m"],
            environment: ["ANTHROPIC_API_KEY": Self.marker, "OPENAI_API_KEY": Self.marker, "PD_TASK": "secret task text"])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty && usage.isEmpty)
        #expect(run.stderr == "pd-llm: \(api) answered 429: rate limited, retry later\n")

        try server.setPlan(["status": 500, "error_message": "upstream said \(Self.marker) is wrong"])
        let echoed = try Self.call(
            ["--api", api, "--base-url", server.baseURL, "--model", "m"],
            environment: ["ANTHROPIC_API_KEY": Self.marker, "OPENAI_API_KEY": Self.marker, "PD_TASK": "secret task text"])
        #expect(echoed.result.status == 1)
        #expect(echoed.result.stderr == "pd-llm: \(api) answered 500: upstream said *** is wrong\n")
        #expect(!(echoed.result.stderr + run.stderr).contains("secret task text"))
    }

    @Test("bad arguments or environment exit 2 with one reason line and the usage; an unreachable server exits 1")
    func badArguments() throws {
        let cases: [([String], [String: String], String)] = [
            (["--api", "bard", "--base-url", "http://127.0.0.1:1", "--model", "m"], ["PD_TASK": "t"], "unknown --api 'bard'"),
            (["--api", "ollama", "--base-url", "http://127.0.0.1:1"], ["PD_TASK": "t"], "--model is required"),
            (["--api", "ollama", "--base-url", "ftp://x", "--model", "m"], ["PD_TASK": "t"], "--base-url must be"),
            (["--api", "ollama", "--base-url", "http://127.0.0.1:1", "--model", "m", "--max-tokens", "0"], ["PD_TASK": "t"], "--max-tokens"),
            (["--api", "ollama", "--base-url", "http://127.0.0.1:1", "--model", "m", "--stream"], ["PD_TASK": "t"], "unknown argument"),
            (["--api", "anthropic", "--base-url", "http://127.0.0.1:1", "--model", "m"], ["PD_TASK": "t"], "ANTHROPIC_API_KEY is not set"),
            (["--api", "ollama", "--base-url", "http://127.0.0.1:1", "--model", "m"], [:], "no task"),
        ]
        for (arguments, environment, reason) in cases {
            let (run, usage) = try Self.call(arguments, environment: environment)
            #expect(run.status == 2, "\(arguments)")
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 2 && lines.first?.hasPrefix("pd-llm: ") == true && lines.first?.contains(reason) == true, "\(run.stderr)")
            #expect(lines.last?.hasPrefix("usage: pd-llm --api") == true)
            #expect(run.stdout.isEmpty && usage.isEmpty)
        }
        // Port 1 on loopback has no listener: the connection is refused.
        let (refused, _) = try Self.call(["--api", "ollama", "--base-url", "http://127.0.0.1:1", "--model", "m"], environment: ["PD_TASK": "t"])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("pd-llm: cannot reach ollama: ") && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
    }

    @Test("a 200 whose body is not the API's answer is a failure, not a zero-usage success")
    func malformedAnswer() throws {
        let server = try FakeLLM(plan: ["raw_body": "{\"id\":\"msg_1\",\"content\":[]}"])
        for api in ["anthropic", "ollama", "openai"] {
            let (run, usage) = try Self.call(
                ["--api", api, "--base-url", server.baseURL, "--model", "m"], environment: ["ANTHROPIC_API_KEY": Self.marker, "PD_TASK": "t"])
            #expect(run.status == 1)
            #expect(usage.isEmpty && run.stdout.isEmpty)
            #expect(run.stderr.hasPrefix("pd-llm: \(api) answered with a body that is not its answer (missing "), "\(run.stderr)")
        }
        try server.setPlan(["raw_body": "<html>"])
        let (html, _) = try Self.call(["--api", "ollama", "--base-url", server.baseURL, "--model", "m"], environment: ["PD_TASK": "t"])
        #expect(html.stderr == "pd-llm: ollama answered with a body that is not its answer (not JSON)\n")
    }
}
