import PortDaddyAPI

/// The one line `GET /fleet/prompt` answers for a shell prompt, e.g. `⚓ myapp 2▶ 1⏸ $0.42/$5.00`: per fleet its
/// running agents, its waiting wakes and today's spend against the allowance; `⏳n` for runs waiting on the budget
/// guard, `✗` for a fleet whose file is invalid, and a leading `⛔ PANIC` while the panic switch holds. Empty when no
/// fleet runs and nothing is panicked, so a prompt shows nothing.
public enum FleetPromptLine {
    /// What the line says about one fleet.
    public struct Entry: Sendable, Equatable {
        public var project: String
        public var running: Int
        public var queued: Int
        public var invalid: Bool
        public var pendingKills: Int
        public var spentMicros: Int64
        public var allowanceMicros: Int64?

        public init(
            project: String, running: Int, queued: Int, invalid: Bool, pendingKills: Int, spentMicros: Int64, allowanceMicros: Int64?
        ) {
            self.project = project
            self.running = running
            self.queued = queued
            self.invalid = invalid
            self.pendingKills = pendingKills
            self.spentMicros = spentMicros
            self.allowanceMicros = allowanceMicros
        }
    }

    public static func render(_ entries: [Entry], panicked: Bool) -> String {
        var parts: [String] = panicked ? ["⛔ PANIC"] : []
        for entry in entries {
            var words = ["⚓ \(entry.project)\(entry.invalid ? " ✗" : "")", "\(entry.running)▶", "\(entry.queued)⏸"]
            if entry.pendingKills > 0 { words.append("⏳\(entry.pendingKills)") }
            words.append(dollars(entry.spentMicros) + (entry.allowanceMicros.map { "/" + dollars($0) } ?? ""))
            parts.append(words.joined(separator: " "))
        }
        return parts.joined(separator: " · ")
    }

    /// Micro-dollars as `$D.CC`, cents rounded down (a prompt never shows more spent than was).
    static func dollars(_ micros: Int64) -> String {
        let cents = max(0, micros) / 10_000
        let fraction = cents % 100
        return "$\(cents / 100)." + (fraction < 10 ? "0" : "") + String(fraction)
    }
}
