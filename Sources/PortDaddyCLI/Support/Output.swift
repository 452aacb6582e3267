import Foundation

/// Writes what commands print: knows TTY vs pipe, `NO_COLOR`, and JSON.
public struct Output {
    public let color: Bool

    public init() {
        let env = ProcessInfo.processInfo.environment
        color = isatty(1) == 1 && env["NO_COLOR"] == nil && env["TERM"] != "dumb"
    }

    public func line(_ text: String = "") {
        print(text)
    }

    public func json<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(value) { print(String(decoding: data, as: UTF8.self)) }
    }

    /// One compact JSON object on one line (for streams of records: `pd sub --json`, `pd tube --json`).
    public func jsonLine<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self))
    }

    /// One line on stderr.
    public static func warn(_ text: String) {
        FileHandle.standardError.write(Data(("pd: " + text + "\n").utf8))
    }

    public func bold(_ s: String) -> String { paint(s, "1") }
    public func green(_ s: String) -> String { paint(s, "32") }
    public func red(_ s: String) -> String { paint(s, "31") }
    public func yellow(_ s: String) -> String { paint(s, "33") }
    public func dim(_ s: String) -> String { paint(s, "2") }

    private func paint(_ s: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }

    /// Formats rows as aligned columns.
    public func table(_ header: [String], _ rows: [[String]]) {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        line(bold(render(header)))
        for row in rows { line(render(row)) }
    }

    /// "in 2h"-style time left until a millisecond timestamp.
    public static func remaining(untilMillis millis: Int64) -> String {
        let seconds = Int(millis / 1000) - Int(Date().timeIntervalSince1970)
        if seconds <= 0 { return "now" }
        if seconds < 60 { return "in \(seconds)s" }
        if seconds < 3600 { return "in \(seconds / 60)m" }
        if seconds < 86400 { return "in \(seconds / 3600)h" }
        return "in \(seconds / 86400)d"
    }

    /// "3d 4h", "2h 5m", "5m 12s", "42s": a span in its two largest units.
    public static func span(seconds: Int) -> String {
        let s = max(0, seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m \(s % 60)s" }
        if s < 86400 { return "\(s / 3600)h \(s % 3600 / 60)m" }
        return "\(s / 86400)d \(s % 86400 / 3600)h"
    }

    /// "15m ago"-style age of a millisecond timestamp.
    public static func age(sinceMillis millis: Int64) -> String {
        let seconds = max(0, Int(Date().timeIntervalSince1970) - Int(millis / 1000))
        if seconds < 60 { return "\(seconds)s ago" }
        if seconds < 3600 { return "\(seconds / 60)m ago" }
        if seconds < 86400 { return "\(seconds / 3600)h ago" }
        return "\(seconds / 86400)d ago"
    }
}
