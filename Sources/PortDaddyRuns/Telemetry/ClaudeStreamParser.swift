import PortDaddyAPI
import PortDaddyCore

/// `claude -p TASK --output-format stream-json --verbose`: one JSON object per line.
///  - `system/init` gives the model; `user` lines (tool results) are not output.
///  - `assistant` lines: text blocks → `.output`, tool calls → a short `.output`; `message.usage` → cumulative
///    `.usage`. The CLI repeats a message's usage on each of its content blocks, so usage is kept per message id and summed.
///  - the final `result` line → `.usage` (its `usage` is the run's total, `total_cost_usd` rounded half-up to 1 µUSD),
///    then `.result(text, isError: is_error || subtype != "success")`.
/// The single object of `--output-format json` is that same `result` line. A line that is not JSON is `.output`.
public struct ClaudeStreamParser: TelemetryParser {
    private var model: String?
    private var messageUsage: [String: TokenCounts] = [:]
    private var unnamedMessages = 0

    public init() {}

    public mutating func consume(line: String) -> [TelemetryEvent] {
        guard let object = JSONValue(parsing: line), case .object = object else {
            return line.isEmpty ? [] : [.output(line)]
        }
        switch object["type"]?.stringValue {
        case "system":
            if let named = object["model"]?.stringValue { model = named }
            return []
        case "assistant":
            return assistant(object["message"])
        case "result":
            return result(object)
        default:
            return []
        }
    }

    public mutating func finish() -> [TelemetryEvent] { [] }

    /// The sum of the usage of every message seen.
    private var messageTotal: TokenCounts { messageUsage.values.reduce(TokenCounts()) { $0.saturatingAdding($1) } }

    private mutating func assistant(_ message: JSONValue?) -> [TelemetryEvent] {
        guard let message else { return [] }
        if let named = message["model"]?.stringValue { model = named }
        var events: [TelemetryEvent] = []
        for block in message["content"]?.arrayValue ?? [] {
            switch block["type"]?.stringValue {
            case "text":
                let text = block["text"]?.stringValue ?? ""
                events += text.split(separator: "\n").map { .output(String($0)) }
            case "tool_use":
                events.append(.output("[tool: \(block["name"]?.stringValue ?? "?")]"))
            default:
                break
            }
        }
        if let usage = message["usage"], let counts = Self.counts(usage) {
            let id: String
            if let named = message["id"]?.stringValue {
                id = named
            } else {
                unnamedMessages += 1
                id = "#\(unnamedMessages)"
            }
            messageUsage[id] = counts
            let total = messageTotal
            events.append(.usage(total, costMicros: nil, model: model))
        }
        return events
    }

    private mutating func result(_ object: JSONValue) -> [TelemetryEvent] {
        if model == nil, case .object(let byModel) = object["modelUsage"], byModel.count == 1 { model = byModel.keys.first }
        let total = object["usage"].flatMap(Self.counts) ?? messageTotal
        let cost = object["total_cost_usd"]?.decimalText.flatMap(Money.micros(roundingReported:))
        let subtype = object["subtype"]?.stringValue ?? "success"
        let isError = object["is_error"]?.boolValue == true || subtype != "success"
        let text = object["result"]?.stringValue ?? (isError ? "claude ended with \(subtype)" : "")
        return [.usage(total, costMicros: cost, model: model), .result(text: text, isError: isError)]
    }

    /// Anthropic's usage object: `input_tokens`, `output_tokens`, `cache_read_input_tokens`, `cache_creation_input_tokens`.
    static func counts(_ usage: JSONValue) -> TokenCounts? {
        guard case .object = usage else { return nil }
        return TokenCounts(
            input: usage["input_tokens"]?.countValue ?? 0, output: usage["output_tokens"]?.countValue ?? 0,
            cacheRead: usage["cache_read_input_tokens"]?.countValue ?? 0, cacheWrite: usage["cache_creation_input_tokens"]?.countValue ?? 0)
    }
}
