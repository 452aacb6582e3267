/// The program each CLI backend of `POST /spawn` runs. The caller (the CLI, the MCP server) finds it on its own
/// `PATH` and sends the absolute path as `executable`; the daemon never looks programs up for a caller.
public enum BackendPrograms {
    public static let names = ["claude-cli": "claude", "codex": "codex", "aider": "aider", "gemini": "gemini"]

    /// Every backend name `pd backends` knows, sorted: the CLIs above, the HTTP APIs `pd-llm` calls (claude, ollama,
    /// openai) and custom (the caller's own argv). The raw values of PortDaddyRuns' `Backend`, for targets without it.
    public static let allBackends = ["aider", "claude", "claude-cli", "codex", "custom", "gemini", "ollama", "openai"]
}
