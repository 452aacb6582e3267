import PortDaddyAPI

/// `codex exec --json`: one JSON event per line.
///  - `thread.started`, `turn.started`, `item.started`, `item.updated`: nothing.
///  - `item.completed` with an `agent_message` → `.output` (the last one is the result); a `command_execution` → `$ cmd`.
///  - `turn.completed` `usage` → cumulative `.usage`, summed over turns, no cost (the rate table prices it).
///    OpenAI counts cached input inside `input_tokens`; here `input` is the uncached part
///    (`input_tokens − cached_input_tokens`) and `cacheRead` the cached part, so Σ tokens × rate charges each token once.
///  - `turn.failed` / `error` → remembered until a later `turn.completed` (codex reports retries as `error`).
///  - at EOF: `.result(last message, false)`, or `.result(error, true)` when the run ended on an error.
public struct CodexJSONParser: TelemetryParser {
    private var total = TokenCounts()
    private var lastMessage: String?
    private var error: String?

    public init() {}

    public mutating func consume(line: String) -> [TelemetryEvent] {
        guard let object = JSONValue(parsing: line), case .object = object else {
            return line.isEmpty ? [] : [.output(line)]
        }
        switch object["type"]?.stringValue {
        case "item.completed":
            return item(object["item"])
        case "turn.completed":
            error = nil
            guard let usage = object["usage"] else { return [] }
            let input = usage["input_tokens"]?.countValue ?? 0
            let cached = min(usage["cached_input_tokens"]?.countValue ?? 0, input)
            let turn = TokenCounts(input: input - cached, output: usage["output_tokens"]?.countValue ?? 0, cacheRead: cached)
            total = total.saturatingAdding(turn)
            return [.usage(total, costMicros: nil, model: nil)]
        case "turn.failed":
            error = object["error"]?["message"]?.stringValue ?? "codex turn failed"
            return []
        case "error":
            error = object["message"]?.stringValue ?? "codex reported an error"
            return []
        default:
            return []
        }
    }

    public mutating func finish() -> [TelemetryEvent] {
        if let error { return [.result(text: error, isError: true)] }
        return [.result(text: lastMessage ?? "", isError: false)]
    }

    private mutating func item(_ item: JSONValue?) -> [TelemetryEvent] {
        guard let item else { return [] }
        // Early codex releases named the field `item_type` and the kind `assistant_message`.
        switch item["type"]?.stringValue ?? item["item_type"]?.stringValue {
        case "agent_message", "assistant_message":
            let text = item["text"]?.stringValue ?? ""
            lastMessage = text
            return text.split(separator: "\n").map { .output(String($0)) }
        case "command_execution":
            return [.output("$ " + (item["command"]?.stringValue ?? ""))]
        default:
            return []
        }
    }
}
