/// The program each CLI backend of `POST /spawn` runs. The caller (the CLI, the MCP server) finds it on its own
/// `PATH` and sends the absolute path as `executable`; the daemon never looks programs up for a caller.
public enum BackendPrograms {
    public static let names = ["claude-cli": "claude", "codex": "codex", "aider": "aider", "gemini": "gemini"]
}
