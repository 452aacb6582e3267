import PortDaddyAPI
import PortDaddyCore

/// Fail-closed telemetry: a launch goes ahead only when its tokens and cost will be accounted for.
public enum TelemetryPolicy {
    /// Whether a launch may go ahead, and the quality it will have. Refuses (`.telemetryUnavailable`, saying what to do):
    ///  - gemini: its token counts are not confirmed against the real CLI;
    ///  - aider unless `allowApproximate` (its counts are rounded);
    ///  - custom unless `promisesReport` (`--telemetry report`);
    ///  - codex, openai, claude with a model that has no rate (the cost cannot be computed; `~/.port-daddy/rates.json`).
    /// claude-cli is fine without a known model: it reports its cost. ollama needs a model (`.invalidRequest`).
    public static func check(
        backend: Backend, model: String?, rates: RateTable, allowApproximate: Bool, promisesReport: Bool
    ) throws(PortDaddyError) -> TelemetryQuality {
        switch backend {
        case .gemini:
            throw .telemetryUnavailable(
                "gemini's token counts are not confirmed against the real CLI, so its cost cannot be accounted for; "
                    + "use claude-cli, codex, claude, ollama or openai")
        case .aider where !allowApproximate:
            throw .telemetryUnavailable(
                "aider reports rounded token counts (\"1.2k sent\"), so its cost is only approximate; "
                    + "allow approximate telemetry for this launch (--allow-approximate) to run it anyway")
        case .custom where !promisesReport:
            throw .telemetryUnavailable(
                "a custom agent's usage is known only when it reports it: pass --telemetry report, "
                    + "and have it write pd_usage lines to fd 3 (PD_USAGE_FD) or call pd usage report")
        case .codex, .openai, .claude:
            let name = model ?? backend.defaultModel ?? ""
            guard rates.rate(backend: backend, model: name) != nil else {
                let known = rates.models(for: backend).map(\.id).joined(separator: ", ")
                throw .telemetryUnavailable(
                    "no rate is known for model \"\(name)\" on \(backend.rawValue), so the run's cost cannot be computed; "
                        + "pick one of \(known), or add its rate to ~/.port-daddy/rates.json "
                        + #"({"rates":[{"backend":"\#(backend.rawValue)","id":"\#(name)","input":"1.25","output":"10"}]}, USD per MTok)"#)
            }
        case .ollama where model?.isEmpty ?? true:
            throw .invalidRequest("the ollama backend needs a model (--model NAME, one that ollama has pulled)")
        case .claudeCLI, .aider, .custom, .ollama:
            break
        }
        return backend.telemetry
    }
}
