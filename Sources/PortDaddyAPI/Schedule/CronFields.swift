import Foundation

/// The 5 fields of a cron expression, each expanded to the set of values it matches.
public struct CronFields: Sendable, Equatable {
    public var minutes: Set<Int>
    public var hours: Set<Int>
    public var daysOfMonth: Set<Int>
    public var months: Set<Int>
    /// 0 = Sunday … 6 = Saturday (7 is read as Sunday).
    public var daysOfWeek: Set<Int>
    /// Whether the day-of-month field starts with `*` (Vixie's rule: then only the day of week restricts days).
    public var dayOfMonthStar: Bool
    /// Whether the day-of-week field starts with `*`.
    public var dayOfWeekStar: Bool

    struct Field {
        var name: String
        var range: ClosedRange<Int>
        var names: [String: Int] = [:]
    }

    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    static let fields: [Field] = [
        Field(name: "minute", range: 0...59), Field(name: "hour", range: 0...23), Field(name: "day of month", range: 1...31),
        Field(
            name: "month", range: 1...12,
            names: Dictionary(uniqueKeysWithValues: monthNames.enumerated().map { ($0.element, $0.offset + 1) })),
        Field(
            name: "day of week", range: 0...7,
            names: Dictionary(uniqueKeysWithValues: dayNames.enumerated().map { ($0.element, $0.offset) })),
    ]

    /// Parses `minute hour day-of-month month day-of-week`; `text` is what the user wrote (for errors).
    init(parsing expression: String, text: String) throws(CronError) {
        let parts = expression.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 5 else {
            throw CronError(text: text, reason: "expected 5 fields (minute hour day-of-month month day-of-week), found \(parts.count)")
        }
        var sets: [Set<Int>] = []
        for (part, field) in zip(parts, Self.fields) {
            sets.append(try Self.expand(part.lowercased(), field: field, text: text))
        }
        minutes = sets[0]
        hours = sets[1]
        daysOfMonth = sets[2]
        months = sets[3]
        daysOfWeek = Set(sets[4].map { $0 % 7 })
        dayOfMonthStar = parts[2].hasPrefix("*")
        dayOfWeekStar = parts[4].hasPrefix("*")
    }

    /// One field: a comma list of `*`, `N`, `N-M`, each optionally `/STEP`; names where the field has them.
    static func expand(_ part: String, field: Field, text: String) throws(CronError) -> Set<Int> {
        var values = Set<Int>()
        for item in part.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = item.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, !pieces[0].isEmpty else {
                throw CronError(text: text, reason: "\(field.name) \"\(item)\" is not a value, range or step")
            }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]) else {
                    throw CronError(text: text, reason: "\(field.name) step \"\(pieces[1])\" is not a number")
                }
                guard parsed >= 1 else { throw CronError(text: text, reason: "\(field.name) step must be at least 1") }
                guard parsed <= field.range.upperBound else {
                    throw CronError(text: text, reason: "\(field.name) \(parsed) is out of \(field.range.lowerBound)-\(field.range.upperBound)")
                }
                step = parsed
            }
            let lower: Int
            var upper: Int
            if pieces[0] == "*" {
                lower = field.range.lowerBound
                upper = field.name == "day of week" ? 6 : field.range.upperBound
            } else {
                let bounds = pieces[0].split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2 else {
                    throw CronError(text: text, reason: "\(field.name) \"\(pieces[0])\" is not a value or range")
                }
                lower = try value(String(bounds[0]), field: field, text: text)
                // `N/STEP` means from N to the end of the range, as in Vixie cron.
                upper =
                    bounds.count == 2 ? try value(String(bounds[1]), field: field, text: text) : (pieces.count == 2 ? field.range.upperBound : lower)
                guard lower <= upper else {
                    throw CronError(text: text, reason: "\(field.name) range \(pieces[0]) runs backwards")
                }
            }
            if field.name == "day of week", pieces.count == 2, pieces[0] != "*", upper == 7, lower < 7 { upper = 6 }
            values.formUnion(stride(from: lower, through: upper, by: step))
        }
        return values
    }

    static func value(_ text: String, field: Field, text whole: String) throws(CronError) -> Int {
        if let number = Int(text) {
            guard field.range.contains(number) else {
                throw CronError(text: whole, reason: "\(field.name) \(number) is out of \(field.range.lowerBound)-\(field.range.upperBound)")
            }
            return number
        }
        if let named = field.names[text] { return named }
        throw CronError(text: whole, reason: "\(field.name) \"\(text)\" is not a number" + (field.names.isEmpty ? "" : " or a name"))
    }

    /// Whether a calendar day matches the day-of-month and day-of-week fields (Vixie's OR when both are restricted).
    func matches(day: Int, weekday: Int) -> Bool {
        if dayOfMonthStar || dayOfWeekStar { return daysOfMonth.contains(day) && daysOfWeek.contains(weekday) }
        return daysOfMonth.contains(day) || daysOfWeek.contains(weekday)
    }

    /// The first matching minute strictly after `instant`, in `calendar`'s time zone; nil beyond 8 years.
    func nextFire(after instant: Date, calendar: Calendar) -> Date? {
        var start = instant
        // A local time that a DST change skips or repeats may map before the instant: search on from there.
        for _ in 0..<4 {
            guard let found = search(after: start, calendar: calendar) else { return nil }
            if found > instant { return found }
            start = found.addingTimeInterval(60)
        }
        return nil
    }

    private func search(after instant: Date, calendar: Calendar) -> Date? {
        let now = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        guard var year = now.year, var month = now.month, var day = now.day, let hour = now.hour, let minute = now.minute else {
            return nil
        }
        let sortedHours = hours.sorted()
        let sortedMinutes = minutes.sorted()
        var first = true
        for _ in 0..<(366 * 8) {
            if months.contains(month), day <= Self.daysIn(month: month, year: year),
                matches(day: day, weekday: Self.weekday(year: year, month: month, day: day))
            {
                for h in sortedHours where !first || h >= hour {
                    for m in sortedMinutes where !(first && h == hour) || m > minute {
                        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: h, minute: m))
                    }
                }
            }
            first = false
            day += 1
            if day > Self.daysIn(month: month, year: year) {
                day = 1
                month += 1
                if month > 12 {
                    month = 1
                    year += 1
                }
            }
        }
        return nil
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// 0 = Sunday (Sakamoto's method, proleptic Gregorian).
    static func weekday(year: Int, month: Int, day: Int) -> Int {
        let offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
        let y = month < 3 ? year - 1 : year
        return (y + y / 4 - y / 100 + y / 400 + offsets[month - 1] + day) % 7
    }
}
