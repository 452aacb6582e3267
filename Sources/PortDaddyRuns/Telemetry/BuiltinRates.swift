import PortDaddyAPI

/// The rates embedded in the binary, in micro-dollars per million tokens (1,000,000 = 1 USD per MTok).
extension RateTable {
    /// One builtin row: input, output, cache read, cache write.
    private static func row(_ id: String, _ input: Int64, _ output: Int64, _ cacheRead: Int64, _ cacheWrite: Int64) -> ModelRateInfo {
        ModelRateInfo(
            id: id, inputPerMTok: input, outputPerMTok: output, cacheReadPerMTok: cacheRead, cacheWritePerMTok: cacheWrite, local: false,
            source: "builtin")
    }

    /// Anthropic's models (claude-cli, claude, aider): USD 15/75/1.5/18.75, 3/15/0.3/3.75, 1/5/0.1/1.25 per MTok.
    static let anthropicRates: [ModelRateInfo] = [
        row("claude-opus-4-1", 15_000_000, 75_000_000, 1_500_000, 18_750_000),
        row("claude-sonnet-4-5", 3_000_000, 15_000_000, 300_000, 3_750_000),
        row("claude-haiku-4-5", 1_000_000, 5_000_000, 100_000, 1_250_000),
    ]

    /// OpenAI's models (codex, openai, aider): USD 1.25/10/0.125/0, 0.25/2/0.025/0, 1.25/10/0.125/0 per MTok.
    static let openAIRates: [ModelRateInfo] = [
        row("gpt-5", 1_250_000, 10_000_000, 125_000, 0),
        row("gpt-5-mini", 250_000, 2_000_000, 25_000, 0),
        row("gpt-5-codex", 1_250_000, 10_000_000, 125_000, 0),
    ]

    /// The builtin rows of each backend; ollama's models are local (see `rate(backend:model:)`).
    static let builtinRows: [Backend: [ModelRateInfo]] = [
        .claudeCLI: anthropicRates, .claude: anthropicRates, .codex: openAIRates, .openai: openAIRates, .aider: anthropicRates + openAIRates,
    ]
}
