// TEMPORARY local shim (not committed): the telemetry helper's interface, to compile against until its branch lands.
import PortDaddyAPI
import PortDaddyCore

public enum Money {
    public static func micros(parsing usd: String, field: String = "budget") throws(PortDaddyError) -> Int64 {
        guard let d = Double(usd.trimmingCharacters(in: .whitespaces)) else { throw .invalidRequest("bad \(field)") }
        return Int64(d * 1_000_000)
    }
}

public enum Backend: String, CaseIterable, Sendable {
    case claudeCLI = "claude-cli"
    case codex, aider, gemini, claude, ollama, openai, custom
    public enum Kind: String, Sendable { case cli, http, custom }
    public init(named: String) throws(PortDaddyError) {
        guard let b = Backend(rawValue: named) else { throw .unknownBackend(named) }
        self = b
    }
    public var kind: Kind {
        switch self {
        case .claudeCLI, .codex, .aider, .gemini: .cli
        case .claude, .ollama, .openai: .http
        case .custom: .custom
        }
    }
    public var telemetry: TelemetryQuality { self == .custom ? .reported : .exact }
    public var executableName: String? { kind == .cli ? (self == .claudeCLI ? "claude" : rawValue) : nil }
    public func arguments(task: String, model: String?, allowedTools: String?, maxTokens: Int?, environment: [String: String]) -> [String] {
        ["-p", task, "--output-format", "stream-json", "--verbose"]
    }
    public var defaultModel: String? { nil }
    public func makeParser() -> any TelemetryParser { PlainTextParser() }
}

public enum TelemetryEvent: Equatable, Sendable {
    case output(String)
    case usage(TokenCounts, costMicros: Int64?, model: String?)
    case result(text: String, isError: Bool)
}
public protocol TelemetryParser: Sendable {
    mutating func consume(line: String) -> [TelemetryEvent]
    mutating func finish() -> [TelemetryEvent]
}
public struct PlainTextParser: TelemetryParser {
    var lines: [String] = []
    public init() {}
    public mutating func consume(line: String) -> [TelemetryEvent] {
        lines.append(line)
        return [.output(line)]
    }
    public mutating func finish() -> [TelemetryEvent] { [.result(text: lines.joined(separator: "\n"), isError: false)] }
}
public struct UsageLineParser: TelemetryParser {
    public init() {}
    public mutating func consume(line: String) -> [TelemetryEvent] { [] }
    public mutating func finish() -> [TelemetryEvent] { [] }
}
public struct RateTable: Sendable {
    public static let builtin = RateTable()
    public static func load(overrides path: String) throws(PortDaddyError) -> RateTable { .builtin }
    public func rate(backend: Backend, model: String?) -> ModelRateInfo? { nil }
    public func models(for backend: Backend) -> [ModelRateInfo] { [] }
    public static func cost(_ tokens: TokenCounts, at rate: ModelRateInfo) -> Int64 { 0 }
}
public enum TelemetryPolicy {
    public static func check(
        backend: Backend, model: String?, rates: RateTable, allowApproximate: Bool, promisesReport: Bool
    ) throws(PortDaddyError) -> TelemetryQuality { backend.telemetry }
}
