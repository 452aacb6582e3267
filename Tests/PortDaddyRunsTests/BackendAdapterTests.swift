import PortDaddyAPI
import PortDaddyCore
import Testing

@testable import PortDaddyRuns

@Suite("Backend adapters")
struct BackendAdapterTests {
    @Test("backends are found by name, in any case; an unknown name is refused with UNKNOWN_BACKEND")
    func names() throws {
        #expect(try Backend(named: "claude-cli") == .claudeCLI)
        #expect(try Backend(named: " Codex ") == .codex)
        #expect(Backend.allCases.map(\.rawValue) == ["claude-cli", "codex", "aider", "gemini", "claude", "ollama", "openai", "custom"])
        #expect(throws: PortDaddyError.unknownBackend("cursor")) { try Backend(named: "cursor") }
        #expect(PortDaddyError.unknownBackend("cursor").code == .unknownBackend)
    }

    @Test("kind, telemetry quality, executable and default model of every backend")
    func properties() {
        let table: [(Backend, Backend.Kind, TelemetryQuality, String?, String?)] = [
            (.claudeCLI, .cli, .exact, "claude", nil), (.codex, .cli, .exact, "codex", "gpt-5-codex"),
            (.aider, .cli, .approximate, "aider", nil), (.gemini, .cli, .missing, "gemini", nil),
            (.claude, .http, .exact, nil, "claude-sonnet-4-5"), (.ollama, .http, .exact, nil, nil),
            (.openai, .http, .exact, nil, "gpt-5-mini"), (.custom, .custom, .reported, nil, nil),
        ]
        for (backend, kind, telemetry, executable, model) in table {
            #expect(backend.kind == kind, "\(backend)")
            #expect(backend.telemetry == telemetry, "\(backend)")
            #expect(backend.executableName == executable, "\(backend)")
            #expect(backend.defaultModel == model, "\(backend)")
        }
    }

    @Test("claude-cli argv: -p TASK, stream-json, verbose, then model and allowed tools when given")
    func claudeCLIArguments() {
        let task = "fix the flaky test; rm -rf / \"quoted\""
        #expect(
            Backend.claudeCLI.arguments(task: task, model: nil, allowedTools: nil, maxTokens: nil, environment: [:])
                == ["-p", task, "--output-format", "stream-json", "--verbose"])
        #expect(
            Backend.claudeCLI.arguments(task: task, model: "claude-haiku-4-5", allowedTools: "Read,Edit", maxTokens: 500, environment: [:])
                == ["-p", task, "--output-format", "stream-json", "--verbose", "--model", "claude-haiku-4-5", "--allowedTools", "Read,Edit"])
        #expect(
            Backend.claudeCLI.arguments(task: "t", model: " ", allowedTools: "", maxTokens: nil, environment: [:])
                == ["-p", "t", "--output-format", "stream-json", "--verbose"])
    }

    @Test("codex argv: exec --json -m MODEL TASK, the default model when none is named")
    func codexArguments() {
        #expect(
            Backend.codex.arguments(task: "add tests", model: "gpt-5", allowedTools: "x", maxTokens: 9, environment: [:])
                == ["exec", "--json", "-m", "gpt-5", "add tests"])
        #expect(
            Backend.codex.arguments(task: "add tests", model: nil, allowedTools: nil, maxTokens: nil, environment: [:])
                == ["exec", "--json", "-m", "gpt-5-codex", "add tests"])
    }

    @Test("aider and gemini argv")
    func aiderAndGeminiArguments() {
        #expect(
            Backend.aider.arguments(task: "t", model: nil, allowedTools: nil, maxTokens: nil, environment: [:])
                == ["--yes", "--no-stream", "--no-pretty", "--message", "t"])
        #expect(
            Backend.aider.arguments(task: "t", model: "gpt-5", allowedTools: nil, maxTokens: nil, environment: [:])
                == ["--yes", "--no-stream", "--no-pretty", "--message", "t", "--model", "gpt-5"])
        #expect(
            Backend.gemini.arguments(task: "t", model: nil, allowedTools: nil, maxTokens: nil, environment: [:])
                == ["-p", "t", "--output-format", "json"])
        #expect(
            Backend.gemini.arguments(task: "t", model: "gemini-2.5-pro", allowedTools: nil, maxTokens: nil, environment: [:])
                == ["-p", "t", "--output-format", "json", "--model", "gemini-2.5-pro"])
    }

    @Test("HTTP backends give pd-llm the API, the base URL from the caller's environment, the model and max tokens")
    func httpArguments() {
        #expect(
            Backend.claude.arguments(task: "secret task", model: nil, allowedTools: nil, maxTokens: nil, environment: [:])
                == ["--api", "anthropic", "--base-url", "https://api.anthropic.com", "--model", "claude-sonnet-4-5"])
        #expect(
            Backend.claude.arguments(
                task: "t", model: "claude-opus-4-1", allowedTools: nil, maxTokens: 1024,
                environment: ["ANTHROPIC_BASE_URL": "http://127.0.0.1:4010", "ANTHROPIC_API_KEY": "sk-marker"])
                == ["--api", "anthropic", "--base-url", "http://127.0.0.1:4010", "--model", "claude-opus-4-1", "--max-tokens", "1024"])
        #expect(
            Backend.ollama.arguments(task: "t", model: "llama3.2", allowedTools: nil, maxTokens: nil, environment: [:])
                == ["--api", "ollama", "--base-url", "http://127.0.0.1:11434", "--model", "llama3.2"])
        #expect(
            Backend.ollama.arguments(task: "t", model: "llama3.2", allowedTools: nil, maxTokens: nil, environment: ["OLLAMA_HOST": "0.0.0.0:5555"])
                == ["--api", "ollama", "--base-url", "http://0.0.0.0:5555", "--model", "llama3.2"])
        #expect(
            Backend.ollama.arguments(task: "t", model: "q", allowedTools: nil, maxTokens: 7, environment: ["OLLAMA_HOST": "https://gpu.lan:11434"])
                == ["--api", "ollama", "--base-url", "https://gpu.lan:11434", "--model", "q", "--max-tokens", "7"])
        #expect(
            Backend.openai.arguments(task: "t", model: nil, allowedTools: nil, maxTokens: nil, environment: ["OPENAI_BASE_URL": ""])
                == ["--api", "openai", "--base-url", "https://api.openai.com", "--model", "gpt-5-mini"])
        #expect(
            Backend.openai.arguments(
                task: "t", model: "llama-3-8b", allowedTools: nil, maxTokens: nil, environment: ["OPENAI_BASE_URL": "http://[::1]:8080/v1"])
                == ["--api", "openai", "--base-url", "http://[::1]:8080/v1", "--model", "llama-3-8b"])
    }

    @Test("custom agents get no arguments from the adapter (their own argv is used)")
    func customArguments() {
        #expect(Backend.custom.arguments(task: "t", model: "m", allowedTools: "a", maxTokens: 1, environment: ["X": "y"]).isEmpty)
    }

    @Test("each backend gets the parser of its output format")
    func parsers() {
        #expect(Backend.claudeCLI.makeParser() is ClaudeStreamParser)
        #expect(Backend.codex.makeParser() is CodexJSONParser)
        #expect(Backend.aider.makeParser() is AiderTextParser)
        for backend in [Backend.gemini, .claude, .ollama, .openai, .custom] {
            #expect(backend.makeParser() is PlainTextParser, "\(backend)")
        }
    }
}
