import PortDaddyAPI
import PortDaddyCore

/// The usage protocol a custom agent (or `pd-llm`) speaks on fd 3 (`PD_USAGE_FD`): one JSON object per line,
/// `{"pd_usage":{"input":N,"output":N,"cacheRead":N?,"cacheWrite":N?,"model":"m"?,"costUsd":"0.01"?}}`, each value the
/// cumulative total so far; `costUsd` is a string or a number, rounded half-up to 1 µUSD. Any other line gives no event.
public struct UsageLineParser: TelemetryParser {
    public init() {}

    public mutating func consume(line: String) -> [TelemetryEvent] {
        guard let usage = JSONValue(parsing: line)?["pd_usage"], case .object = usage,
            let input = usage["input"]?.countValue, let output = usage["output"]?.countValue
        else { return [] }
        var counts = TokenCounts(input: input, output: output)
        if let field = usage["cacheRead"] {
            guard let value = field.countValue else { return [] }
            counts.cacheRead = value
        }
        if let field = usage["cacheWrite"] {
            guard let value = field.countValue else { return [] }
            counts.cacheWrite = value
        }
        var cost: Int64?
        if let field = usage["costUsd"], field != .null {
            guard let micros = field.decimalText.flatMap(Money.micros(roundingReported:)) else { return [] }
            cost = micros
        }
        return [.usage(counts, costMicros: cost, model: usage["model"]?.stringValue)]
    }

    public mutating func finish() -> [TelemetryEvent] { [] }
}
