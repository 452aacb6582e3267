/// Custom agents, `pd-llm` and any backend without a structured format: every line is `.output`, and at EOF the last
/// 2 KiB of the text is the result. Usage arrives separately (fd 3, see `UsageLineParser`).
public struct PlainTextParser: TelemetryParser {
    private var tail = OutputTail()

    public init() {}

    public mutating func consume(line: String) -> [TelemetryEvent] {
        tail.append(line)
        return [.output(line)]
    }

    public mutating func finish() -> [TelemetryEvent] {
        [.result(text: tail.text, isError: false)]
    }
}
