import Foundation
import PortDaddyAPI
import PortDaddyCore
import Testing

@testable import PortDaddyRuns

@Suite("Rate table")
struct RateTableTests {
    /// A fresh temporary directory, removed by the caller.
    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("builtin rates, in micro-dollars per million tokens, per backend")
    func builtin() throws {
        let table = RateTable.builtin
        let opus = try #require(table.rate(backend: .claudeCLI, model: "claude-opus-4-1"))
        #expect(
            opus
                == ModelRateInfo(
                    id: "claude-opus-4-1", inputPerMTok: 15_000_000, outputPerMTok: 75_000_000, cacheReadPerMTok: 1_500_000,
                    cacheWritePerMTok: 18_750_000, local: false, source: "builtin"))
        #expect(table.rate(backend: .claude, model: "claude-haiku-4-5")?.cacheWritePerMTok == 1_250_000)
        #expect(table.rate(backend: .openai, model: "gpt-5-mini")?.cacheReadPerMTok == 25_000)
        #expect(table.models(for: .claudeCLI).map(\.id) == ["claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5"])
        #expect(table.models(for: .codex).map(\.id) == ["gpt-5", "gpt-5-mini", "gpt-5-codex"])
        #expect(table.models(for: .aider).count == 6)
        #expect(table.models(for: .gemini).isEmpty && table.models(for: .custom).isEmpty && table.models(for: .ollama).isEmpty)
        #expect(table.rate(backend: .codex, model: "claude-sonnet-4-5") == nil)
        #expect(table.rate(backend: .claude, model: "gpt-5") == nil)
    }

    @Test("no model means the backend's default; a dated id finds its undated rate")
    func defaultsAndDates() {
        let table = RateTable.builtin
        #expect(table.rate(backend: .codex, model: nil)?.id == "gpt-5-codex")
        #expect(table.rate(backend: .claude, model: nil)?.id == "claude-sonnet-4-5")
        #expect(table.rate(backend: .openai, model: nil)?.id == "gpt-5-mini")
        #expect(table.rate(backend: .claudeCLI, model: nil) == nil)
        #expect(table.rate(backend: .claudeCLI, model: "claude-sonnet-4-5-20250929")?.id == "claude-sonnet-4-5")
        #expect(table.rate(backend: .openai, model: "gpt-5-2025-08-07")?.id == "gpt-5")
        #expect(table.rate(backend: .openai, model: "gpt-5-turbo") == nil)
        #expect(RateTable.undated("claude-3-5-haiku") == nil)
    }

    @Test("every ollama model is local with zero rates")
    func ollama() {
        #expect(
            RateTable.builtin.rate(backend: .ollama, model: "llama3.2")
                == ModelRateInfo(
                    id: "llama3.2", inputPerMTok: 0, outputPerMTok: 0, cacheReadPerMTok: 0, cacheWritePerMTok: 0, local: true, source: "builtin"))
    }

    @Test("cost is Σ tokens × rate, exact, rounded half-up to 1 µUSD")
    func cost() throws {
        let gpt5 = try #require(RateTable.builtin.rate(backend: .codex, model: "gpt-5"))
        // 1,234,567 × 1.25 USD/MTok = 1.54320875 USD → 1,543,209 µUSD.
        #expect(RateTable.cost(TokenCounts(input: 1_234_567), at: gpt5) == 1_543_209)
        // 3 × 0.125 = 0.375 µUSD → 0; 4 × 0.125 = 0.5 → 1 (half-up).
        #expect(RateTable.cost(TokenCounts(cacheRead: 3), at: gpt5) == 0)
        #expect(RateTable.cost(TokenCounts(cacheRead: 4), at: gpt5) == 1)
        let opus = try #require(RateTable.builtin.rate(backend: .claude, model: "claude-opus-4-1"))
        // 1000 × 15 + 2000 × 75 + 30,000 × 1.5 + 500 × 18.75 = 15,000 + 150,000 + 45,000 + 9,375 µUSD.
        #expect(RateTable.cost(TokenCounts(input: 1000, output: 2000, cacheRead: 30_000, cacheWrite: 500), at: opus) == 219_375)
        #expect(RateTable.cost(TokenCounts(), at: opus) == 0)
        let absurd = ModelRateInfo(
            id: "x", inputPerMTok: .max, outputPerMTok: .max, cacheReadPerMTok: .max, cacheWritePerMTok: .max, local: false, source: "t")
        #expect(RateTable.cost(TokenCounts(input: .max, output: .max, cacheRead: .max, cacheWrite: .max), at: absurd) == .max)
    }

    @Test("rates.json overrides and adds rows, with strings or numbers; a missing file means the builtin table")
    func overrides() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("rates.json").path
        #expect(try RateTable.load(overrides: path).models(for: .codex) == RateTable.builtin.models(for: .codex))
        let json = #"""
            {"rates":[
              {"backend":"codex","id":"gpt-5","input":"1.5","output":12,"cacheRead":"0.15"},
              {"backend":"openai","id":"llama-3-8b","input":0.05,"output":"0.08","local":false},
              {"backend":"ollama","id":"big-remote","input":"0.2","output":"0.4","cacheWrite":"0.01"}
            ]}
            """#
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        let table = try RateTable.load(overrides: path)
        #expect(
            table.rate(backend: .codex, model: "gpt-5")
                == ModelRateInfo(
                    id: "gpt-5", inputPerMTok: 1_500_000, outputPerMTok: 12_000_000, cacheReadPerMTok: 150_000, cacheWritePerMTok: 0, local: false,
                    source: path))
        #expect(table.rate(backend: .codex, model: "gpt-5-codex")?.source == "builtin")
        #expect(table.models(for: .codex).map(\.id) == ["gpt-5-mini", "gpt-5-codex", "gpt-5"])
        #expect(table.rate(backend: .openai, model: "llama-3-8b")?.outputPerMTok == 80_000)
        #expect(table.rate(backend: .ollama, model: "big-remote")?.cacheWritePerMTok == 10_000)
        #expect(table.rate(backend: .ollama, model: "big-remote")?.local == false)
        #expect(table.rate(backend: .ollama, model: "small")?.local == true)
        #expect(table.rate(backend: .openai, model: "gpt-5")?.source == "builtin")
    }

    @Test("a broken rates.json is refused, naming the path and the entry")
    func broken() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("rates.json").path
        let example = #"{"rates":[{"backend":"codex","id":"gpt-5","input":"1.25","output":"10"}]}"#
        let cases: [(String, String)] = [
            ("{not json", "\(path) is not a rate table: expected JSON like \(example) (USD per million tokens)"),
            (#"{"models":[]}"#, "\(path) is not a rate table: expected JSON like \(example) (USD per million tokens)"),
            (#"{"rates":[7]}"#, "\(path): rates[0] is not an object"),
            (
                #"{"rates":[{"backend":"codex","id":"a","input":1,"output":1},{"backend":"cursor","id":"b","input":1,"output":1}]}"#,
                "\(path): rates[1].backend must be one of claude-cli, codex, aider, gemini, claude, ollama, openai, custom"
            ),
            (#"{"rates":[{"backend":"codex","id":" ","input":1,"output":1}]}"#, "\(path): rates[0].id must be the model's name"),
            (#"{"rates":[{"backend":"codex","id":"m","input":1}]}"#, "\(path): rates[0].output is missing (USD per million tokens)"),
            (
                #"{"rates":[{"backend":"codex","id":"m","input":"-1","output":1}]}"#,
                "\(path): rates[0].input \"-1\" is not an amount in USD: it must not be negative"
            ),
            (
                #"{"rates":[{"backend":"codex","id":"m","input":1,"output":1,"cacheRead":1e-3}]}"#,
                "\(path): rates[0].cacheRead \"1e-3\" is not an amount in USD: "
                    + "write a plain decimal number of dollars such as 0.50 or 2 (no sign, exponent or currency symbol)"
            ),
            (#"{"rates":[{"backend":"codex","id":"m","input":true,"output":1}]}"#, "\(path): rates[0].input must be a number or a decimal string"),
            (#"{"rates":[{"backend":"codex","id":"m","input":1,"output":1,"local":"yes"}]}"#, "\(path): rates[0].local must be true or false"),
        ]
        for (json, message) in cases {
            try Data(json.utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: PortDaddyError.invalidRequest(message)) { try RateTable.load(overrides: path) }
        }
        #expect(throws: PortDaddyError.self) { try RateTable.load(overrides: directory.path) }
    }
}
