import PortDaddyAPI

/// What a backend's stdout says, line by line, once parsed.
public enum TelemetryEvent: Equatable, Sendable {
    /// One human-readable line of the agent's output.
    case output(String)
    /// CUMULATIVE token totals so far; `costMicros` when the backend reports its cost itself.
    case usage(TokenCounts, costMicros: Int64?, model: String?)
    /// The final answer.
    case result(text: String, isError: Bool)
}

/// Turns one backend's stdout into `TelemetryEvent`s. A value type: the supervisor owns one per run.
public protocol TelemetryParser: Sendable {
    /// One stdout line, without its newline.
    mutating func consume(line: String) -> [TelemetryEvent]
    /// At end of file (codex, aider and plain text give their `.result` here).
    mutating func finish() -> [TelemetryEvent]
}

/// The last 2 KiB of an agent's text output, kept while it streams: the result of backends without a result line.
struct OutputTail: Sendable {
    static let limit = 2048
    private var lines: [String] = []
    private var bytes = 0

    mutating func append(_ line: String) {
        lines.append(line)
        bytes += line.utf8.count + 1
        while lines.count > 1, bytes - (lines[0].utf8.count + 1) > Self.limit {
            bytes -= lines.removeFirst().utf8.count + 1
        }
    }

    /// The lines joined by "\n", cut to the last 2 KiB where a UTF-8 sequence starts.
    var text: String {
        let joined = lines.joined(separator: "\n")
        guard joined.utf8.count > Self.limit else { return joined }
        let tail = joined.utf8.suffix(Self.limit).drop(while: { $0 & 0b1100_0000 == 0b1000_0000 })
        return String(decoding: tail, as: UTF8.self)
    }
}

extension TokenCounts {
    /// The sum, each count capped at `Int64.max`: a hostile agent's numbers must not trap the daemon.
    func saturatingAdding(_ other: TokenCounts) -> TokenCounts {
        func add(_ a: Int64, _ b: Int64) -> Int64 {
            let (sum, overflow) = a.addingReportingOverflow(b)
            return overflow ? Int64.max : sum
        }
        return TokenCounts(
            input: add(input, other.input), output: add(output, other.output), cacheRead: add(cacheRead, other.cacheRead),
            cacheWrite: add(cacheWrite, other.cacheWrite))
    }
}
