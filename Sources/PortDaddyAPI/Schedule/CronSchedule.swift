import Foundation

/// A cron schedule: the standard 5 fields (`minute hour day-of-month month day-of-week`, with lists, ranges, steps and
/// month/day names), the macros `@hourly @daily @midnight @weekly @monthly @yearly @annually`, or `@every` a fixed
/// interval (`@every 30s`, `@every 5m`, `@every 2h`). Next fire times are computed in a calendar's local time.
///
/// Day of month and day of week combine as in Vixie cron: when both are restricted (neither field starts with `*`)
/// a day matches if EITHER matches; otherwise both must (so the `*` one matches any day).
public struct CronSchedule: Sendable, Equatable, CustomStringConvertible {
    /// What the schedule is made of.
    public enum Rule: Sendable, Equatable {
        /// The 5 fields, expanded to the values that match.
        case fields(CronFields)
        /// A fixed interval in seconds from the instant asked about.
        case every(seconds: Int)
    }

    /// The text it was parsed from, trimmed.
    public let text: String
    public let rule: Rule
    public var description: String { text }

    static let macros: [String: String] = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    ]

    /// Parses a schedule; the error says what is wrong, e.g. `minute 61 is out of 0-59`.
    public init(parsing raw: String) throws(CronError) {
        let trimmed = raw.trimmingWhitespace()
        text = trimmed
        let lowered = trimmed.lowercased()
        if lowered.hasPrefix("@every") {
            rule = .every(seconds: try Self.interval(String(lowered.dropFirst("@every".count)).trimmingWhitespace()))
        } else if lowered.hasPrefix("@") {
            guard let expansion = Self.macros[lowered] else {
                throw CronError(text: trimmed, reason: "unknown macro \(trimmed) (use @hourly, @daily, @weekly, @monthly, @yearly or @every 30s)")
            }
            rule = .fields(try CronFields(parsing: expansion, text: trimmed))
        } else {
            rule = .fields(try CronFields(parsing: trimmed, text: trimmed))
        }
    }

    /// `30s`, `5m`, `2h` → seconds (a positive whole number of one unit).
    static func interval(_ text: String) throws(CronError) -> Int {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600]
        guard let last = text.last, let unit = units[last], let count = Int(text.dropLast()), count > 0, count <= 10 * 365 * 24
        else {
            throw CronError(text: "@every " + text, reason: "@every needs a positive whole number of s, m or h, e.g. @every 30s")
        }
        return count * unit
    }

    /// The first fire time strictly after `instant`, in `calendar`'s time zone (whole minutes for the 5 fields), or nil
    /// when none comes within 8 years (e.g. `0 0 30 2 *`).
    public func nextFire(after instant: Date, calendar: Calendar = .current) -> Date? {
        switch rule {
        case .every(let seconds): return instant.addingTimeInterval(TimeInterval(seconds))
        case .fields(let fields): return fields.nextFire(after: instant, calendar: calendar)
        }
    }
}

/// Why a text is not a cron schedule.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The schedule as written.
    public var text: String
    /// What is wrong, e.g. `minute 61 is out of 0-59`.
    public var reason: String
    public var description: String { "\"\(text)\" is not a valid cron expression: \(reason)" }

    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }
}
