import PortDaddyAPI
import PortDaddyCore
import Testing

@testable import PortDaddyRuns

@Suite("Telemetry policy")
struct TelemetryPolicyTests {
    private func check(
        _ backend: Backend, _ model: String? = nil, approximate: Bool = false, report: Bool = false
    ) throws(PortDaddyError) -> TelemetryQuality {
        try TelemetryPolicy.check(backend: backend, model: model, rates: .builtin, allowApproximate: approximate, promisesReport: report)
    }

    @Test("exact backends with a known rate, or a reported cost, may launch")
    func allowed() throws {
        #expect(try check(.claudeCLI) == .exact)
        #expect(try check(.claudeCLI, "some-future-model") == .exact)
        #expect(try check(.codex) == .exact)
        #expect(try check(.codex, "gpt-5") == .exact)
        #expect(try check(.claude, "claude-opus-4-1-20250805") == .exact)
        #expect(try check(.openai) == .exact)
        #expect(try check(.ollama, "llama3.2") == .exact)
        #expect(try check(.aider, approximate: true) == .approximate)
        #expect(try check(.custom, report: true) == .reported)
    }

    @Test("gemini is refused: its telemetry is not confirmed")
    func gemini() {
        let message =
            "gemini's token counts are not confirmed against the real CLI, so its cost cannot be accounted for; "
            + "use claude-cli, codex, claude, ollama or openai"
        #expect(throws: PortDaddyError.telemetryUnavailable(message)) { try check(.gemini, approximate: true, report: true) }
        #expect(PortDaddyError.telemetryUnavailable(message).code == .telemetryUnavailable)
    }

    @Test("aider is refused unless approximate telemetry is allowed")
    func aider() {
        let message =
            "aider reports rounded token counts (\"1.2k sent\"), so its cost is only approximate; "
            + "allow approximate telemetry for this launch (--allow-approximate) to run it anyway"
        #expect(throws: PortDaddyError.telemetryUnavailable(message)) { try check(.aider, "gpt-5", report: true) }
    }

    @Test("a custom agent is refused unless it promises to report (--telemetry report)")
    func custom() {
        let message =
            "a custom agent's usage is known only when it reports it: pass --telemetry report, "
            + "and have it write pd_usage lines to fd 3 (PD_USAGE_FD) or call pd usage report"
        #expect(throws: PortDaddyError.telemetryUnavailable(message)) { try check(.custom, approximate: true) }
    }

    @Test("codex, openai and claude with a model that has no rate are refused, naming the known models and rates.json")
    func unknownRate() {
        let codex =
            "no rate is known for model \"o3\" on codex, so the run's cost cannot be computed; "
            + "pick one of gpt-5, gpt-5-mini, gpt-5-codex, or add its rate to ~/.port-daddy/rates.json "
            + #"({"rates":[{"backend":"codex","id":"o3","input":"1.25","output":"10"}]}, USD per MTok)"#
        #expect(throws: PortDaddyError.telemetryUnavailable(codex)) { try check(.codex, "o3") }
        #expect(throws: PortDaddyError.self) { try check(.openai, "llama-3-8b") }
        #expect(throws: PortDaddyError.self) { try check(.claude, "gpt-5") }
    }

    @Test("ollama needs a model")
    func ollamaModel() {
        let message = "the ollama backend needs a model (--model NAME, one that ollama has pulled)"
        #expect(throws: PortDaddyError.invalidRequest(message)) { try check(.ollama) }
        #expect(throws: PortDaddyError.invalidRequest(message)) { try check(.ollama, "") }
    }
}
