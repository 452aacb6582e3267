import Foundation
import PortDaddyAPI
import PortDaddyCore

/// `aider --yes --no-stream --no-pretty --message TASK`: plain text, plus after each message a line such as
/// `Tokens: 1.2k sent, 345 received. Cost: $0.0012 message, $0.0034 session.` (also with `N cache write` and
/// `N cache hit` items, and without the cost part when aider does not know the model's price).
///  - text lines → `.output`, and at EOF `.result(the text, last 2 KiB, false)`;
///  - a Tokens line → cumulative `.usage`: the sums of "sent" (input), "received" (output), "cache hit" (cacheRead) and
///    "cache write" (cacheWrite), with the session cost. aider rounds its counts ("1.2k"), so this is approximate.
public struct AiderTextParser: TelemetryParser {
    private var total = TokenCounts()
    private var tail = OutputTail()

    public init() {}

    public mutating func consume(line: String) -> [TelemetryEvent] {
        if let (counts, cost) = Self.tokensLine(line) {
            total = total.saturatingAdding(counts)
            return [.usage(total, costMicros: cost, model: nil)]
        }
        tail.append(line)
        return [.output(line)]
    }

    public mutating func finish() -> [TelemetryEvent] {
        [.result(text: tail.text, isError: false)]
    }

    /// The counts and session cost of a Tokens line; nil for any other line.
    static func tokensLine(_ line: String) -> (TokenCounts, Int64?)? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("Tokens:"), trimmed.contains(" received") else { return nil }
        var counts = TokenCounts()
        var sessionCost: Int64?
        for item in trimmed.dropFirst("Tokens:".count).split(separator: ",") {
            let words = item.split(separator: " ")
            guard let first = words.first else { continue }
            if first.hasPrefix("$") {
                if words.dropFirst().first?.hasPrefix("session") == true {
                    sessionCost = Money.micros(roundingReported: String(first.dropFirst()))
                }
                continue
            }
            guard let count = roundedCount(first), words.count >= 2 else { continue }
            var item = TokenCounts()
            switch (words[1], words.count > 2 ? words[2] : "") {
            case ("sent", _): item.input = count
            case ("cache", let kind) where kind.hasPrefix("hit"): item.cacheRead = count
            case ("cache", let kind) where kind.hasPrefix("write"): item.cacheWrite = count
            case (let label, _) where label.hasPrefix("received"): item.output = count
            default: continue
            }
            counts = counts.saturatingAdding(item)
        }
        return (counts, sessionCost)
    }

    /// aider's rounded counts: "345", "1.2k" (1200), "12k", "1.5M".
    static func roundedCount(_ word: Substring) -> Int64? {
        var digits = word
        var scale = 0
        if digits.hasSuffix("k") || digits.hasSuffix("K") {
            scale = 3
        } else if digits.hasSuffix("M") || digits.hasSuffix("m") {
            scale = 6
        }
        if scale > 0 { digits = digits.dropLast() }
        return DecimalText(digits, allowExponent: false)?.scaledRoundingHalfUp(scale: scale, limit: Int64(1) << 53)
    }
}
