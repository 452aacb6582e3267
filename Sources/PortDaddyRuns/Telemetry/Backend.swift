import Foundation
import PortDaddyAPI
import PortDaddyCore

/// An agent backend `pd spawn` can launch: an agent CLI, an LLM API driven by `pd-llm`, or the caller's own program.
public enum Backend: String, CaseIterable, Sendable {
    case claudeCLI = "claude-cli"
    case codex
    case aider
    case gemini
    case claude
    case ollama
    case openai
    case custom

    /// How a backend runs.
    public enum Kind: String, Sendable {
        /// An agent CLI found on the caller's PATH.
        case cli
        /// An LLM API called by the sibling program `pd-llm`.
        case http
        /// The caller's own program (argv, no shell).
        case custom
    }

    /// The backend of that name (trimmed, any case); `.unknownBackend` otherwise.
    public init(named: String) throws(PortDaddyError) {
        guard let backend = Backend(rawValue: named.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw .unknownBackend(named)
        }
        self = backend
    }

    /// claude-cli, codex, aider and gemini are CLIs; claude, ollama and openai are HTTP APIs; custom is custom.
    public var kind: Kind {
        switch self {
        case .claudeCLI, .codex, .aider, .gemini: return .cli
        case .claude, .ollama, .openai: return .http
        case .custom: return .custom
        }
    }

    /// How exactly this backend's tokens and cost are known: aider rounds its counts, gemini's output format is not
    /// confirmed (so nothing is claimed), a custom agent reports its own.
    public var telemetry: TelemetryQuality {
        switch self {
        case .claudeCLI, .codex, .claude, .ollama, .openai: return .exact
        case .aider: return .approximate
        case .gemini: return .missing
        case .custom: return .reported
        }
    }

    /// The program the CLI looks up on the caller's PATH: "claude", "codex", "aider", "gemini"; nil otherwise.
    public var executableName: String? {
        switch self {
        case .claudeCLI: return "claude"
        case .codex, .aider, .gemini: return rawValue
        case .claude, .ollama, .openai, .custom: return nil
        }
    }

    /// The model used when the caller names none (nil when the backend's own default applies and it reports cost).
    public var defaultModel: String? {
        switch self {
        case .claude: return "claude-sonnet-4-5"
        case .codex: return "gpt-5-codex"
        case .openai: return "gpt-5-mini"
        case .claudeCLI, .aider, .gemini, .ollama, .custom: return nil
        }
    }

    /// The exact arguments after argv[0]. `model` falls back to `defaultModel`, so the model a run is charged at is the
    /// model it runs.
    ///  - claude-cli: `-p TASK --output-format stream-json --verbose [--model M] [--allowedTools L]`
    ///  - codex: `exec --json [-m M] TASK`
    ///  - aider: `--yes --no-stream --no-pretty --message TASK [--model M]`
    ///  - gemini: `-p TASK --output-format json [--model M]`
    ///  - claude, ollama, openai (run by `pd-llm`): `--api anthropic|ollama|openai --base-url URL [--model M]
    ///    [--max-tokens N]`, URL from `ANTHROPIC_BASE_URL`, `OLLAMA_HOST` (http:// added when it has no scheme) or
    ///    `OPENAI_BASE_URL` in `environment`, else the public default. The task is not in this argv.
    ///  - custom: `[]` (the caller's own arguments are used).
    public func arguments(task: String, model: String?, allowedTools: String?, maxTokens: Int?, environment: [String: String]) -> [String] {
        let model = Self.nonEmpty(model) ?? defaultModel
        switch self {
        case .claudeCLI:
            return ["-p", task, "--output-format", "stream-json", "--verbose"] + Self.option("--model", model)
                + Self.option("--allowedTools", Self.nonEmpty(allowedTools))
        case .codex:
            return ["exec", "--json"] + Self.option("-m", model) + [task]
        case .aider:
            return ["--yes", "--no-stream", "--no-pretty", "--message", task] + Self.option("--model", model)
        case .gemini:
            return ["-p", task, "--output-format", "json"] + Self.option("--model", model)
        case .claude, .ollama, .openai:
            return ["--api", apiName, "--base-url", baseURL(environment)] + Self.option("--model", model)
                + Self.option("--max-tokens", maxTokens.map(String.init))
        case .custom:
            return []
        }
    }

    /// A fresh parser for this backend's stdout. gemini and the HTTP backends (`pd-llm`, whose usage arrives as
    /// `pd_usage` lines on fd 3) and custom agents print plain text.
    public func makeParser() -> any TelemetryParser {
        switch self {
        case .claudeCLI: return ClaudeStreamParser()
        case .codex: return CodexJSONParser()
        case .aider: return AiderTextParser()
        case .gemini, .claude, .ollama, .openai, .custom: return PlainTextParser()
        }
    }

    /// The API `pd-llm` speaks for an HTTP backend.
    private var apiName: String {
        switch self {
        case .claude: return "anthropic"
        default: return rawValue
        }
    }

    /// Where an HTTP backend's API lives: its environment variable, else the public (or local) default.
    private func baseURL(_ environment: [String: String]) -> String {
        switch self {
        case .ollama:
            guard let host = Self.nonEmpty(environment["OLLAMA_HOST"]) else { return "http://127.0.0.1:11434" }
            return host.contains("://") ? host : "http://" + host
        case .openai:
            return Self.nonEmpty(environment["OPENAI_BASE_URL"]) ?? "https://api.openai.com"
        default:
            return Self.nonEmpty(environment["ANTHROPIC_BASE_URL"]) ?? "https://api.anthropic.com"
        }
    }

    private static func option(_ flag: String, _ value: String?) -> [String] {
        value.map { [flag, $0] } ?? []
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
