import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

@Suite("Cron schedules: the 5 fields, macros, @every, and next fire times that agree with croniter")
struct CronTests {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text + "Z")! }
    static func text(_ date: Date?) -> String? { date.map { String(ISO8601DateFormatter().string(from: $0).dropLast()) } }

    /// The next `count` fire times after `start`, in UTC.
    static func fires(_ expression: String, after start: String, count: Int = 3) throws -> [String] {
        let schedule = try CronSchedule(parsing: expression)
        var instant = date(start)
        var result: [String] = []
        for _ in 0..<count {
            guard let next = schedule.nextFire(after: instant, calendar: utc) else { break }
            result.append(text(next) ?? "")
            instant = next
        }
        return result
    }

    @Test(
        "fixed cases: lists, ranges, steps, names, macros, the day-of-month/day-of-week OR rule, leap days",
        arguments: [
            ("*/15 * * * *", "2026-01-01T10:07:30", ["2026-01-01T10:15:00", "2026-01-01T10:30:00", "2026-01-01T10:45:00"]),
            ("0 9-17/4 * * mon-fri", "2026-01-02T12:00:00", ["2026-01-02T13:00:00", "2026-01-02T17:00:00", "2026-01-05T09:00:00"]),
            ("30 2 1,15 JAN,jul *", "2026-01-10T00:00:00", ["2026-01-15T02:30:00", "2026-07-01T02:30:00", "2026-07-15T02:30:00"]),
            // Both day fields restricted: the 13th OR a Friday (Vixie cron).
            ("0 0 13 * 5", "2026-01-01T00:00:00", ["2026-01-02T00:00:00", "2026-01-09T00:00:00", "2026-01-13T00:00:00"]),
            // Day of week `*`: only the day of month counts; 7 is Sunday.
            ("0 0 31 * *", "2026-01-31T00:00:00", ["2026-03-31T00:00:00", "2026-05-31T00:00:00", "2026-07-31T00:00:00"]),
            ("0 12 * * 7", "2026-01-01T00:00:00", ["2026-01-04T12:00:00", "2026-01-11T12:00:00", "2026-01-18T12:00:00"]),
            ("0 0 29 2 *", "2026-01-01T00:00:00", ["2028-02-29T00:00:00", "2032-02-29T00:00:00", "2036-02-29T00:00:00"]),
            ("@hourly", "2026-01-01T10:00:00", ["2026-01-01T11:00:00", "2026-01-01T12:00:00", "2026-01-01T13:00:00"]),
            ("@daily", "2026-01-01T10:00:00", ["2026-01-02T00:00:00", "2026-01-03T00:00:00", "2026-01-04T00:00:00"]),
            ("@weekly", "2026-01-01T10:00:00", ["2026-01-04T00:00:00", "2026-01-11T00:00:00", "2026-01-18T00:00:00"]),
            ("@monthly", "2026-01-01T10:00:00", ["2026-02-01T00:00:00", "2026-03-01T00:00:00", "2026-04-01T00:00:00"]),
            ("@yearly", "2026-01-01T10:00:00", ["2027-01-01T00:00:00", "2028-01-01T00:00:00", "2029-01-01T00:00:00"]),
            ("@annually", "2026-01-01T10:00:00", ["2027-01-01T00:00:00", "2028-01-01T00:00:00", "2029-01-01T00:00:00"]),
            ("@every 30s", "2026-01-01T10:00:10", ["2026-01-01T10:00:40", "2026-01-01T10:01:10", "2026-01-01T10:01:40"]),
            ("@every 2h", "2026-01-01T10:00:00", ["2026-01-01T12:00:00", "2026-01-01T14:00:00", "2026-01-01T16:00:00"]),
            ("0 0 30 2 *", "2026-01-01T00:00:00", []),
        ] as [(String, String, [String])])
    func fixedCases(expression: String, start: String, expected: [String]) throws {
        #expect(try Self.fires(expression, after: start) == expected)
    }

    @Test("bad expressions say what is wrong")
    func errors() {
        let cases: [(String, String)] = [
            ("*/61 * * * *", "minute 61 is out of 0-59"),
            ("* 24 * * *", "hour 24 is out of 0-23"),
            ("* * 0 * *", "day of month 0 is out of 1-31"),
            ("* * * foo *", #"month "foo" is not a number or a name"#),
            ("* * * * 8", "day of week 8 is out of 0-7"),
            ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 4"),
            ("5-1 * * * *", "minute range 5-1 runs backwards"),
            ("*/0 * * * *", "minute step must be at least 1"),
            ("1,,2 * * * *", #"minute "" is not a value, range or step"#),
            ("@often", "unknown macro @often (use @hourly, @daily, @weekly, @monthly, @yearly or @every 30s)"),
            ("@every 10", "@every needs a positive whole number of s, m or h, e.g. @every 30s"),
            ("@every 0s", "@every needs a positive whole number of s, m or h, e.g. @every 30s"),
        ]
        for (expression, reason) in cases {
            #expect(throws: CronError(text: expression, reason: reason)) { try CronSchedule(parsing: expression) }
        }
        #expect(
            CronError(text: "*/61 * * * *", reason: "minute 61 is out of 0-59").description
                == #""*/61 * * * *" is not a valid cron expression: minute 61 is out of 0-59"#)
    }

    /// One random field over `range`: `*`, a value, a range, a list, a stepped range or (when `starStep`) `*/N`.
    static func field(_ range: ClosedRange<Int>, starStep: Bool, names: [String] = [], using rng: inout SplitMix64) -> String {
        func value() -> String {
            let v = Int.random(in: range, using: &rng)
            if !names.isEmpty, Bool.random(using: &rng), v - range.lowerBound < names.count { return names[v - range.lowerBound] }
            return String(v)
        }
        // A range of one value (`12-12`) croniter 7 reads as `*`; Vixie cron (and we) as that value: ranges here span two or more.
        let a = Int.random(in: range.lowerBound..<range.upperBound, using: &rng)
        let b = Int.random(in: (a + 1)...range.upperBound, using: &rng)
        switch Int.random(in: 0..<(starStep ? 6 : 5), using: &rng) {
        case 0: return "*"
        case 1: return value()
        case 2: return "\(a)-\(b)"
        case 3: return (0..<Int.random(in: 2...4, using: &rng)).map { _ in value() }.joined(separator: ",")
        case 4: return "\(a)-\(b)/\(Int.random(in: 1...max(1, (range.upperBound - range.lowerBound) / 2), using: &rng))"
        default: return "*/\(Int.random(in: 2...max(2, (range.upperBound - range.lowerBound) / 2), using: &rng))"
        }
    }

    static let python = TestDependencies.venv + "/bin/python"
    /// Whether the reference implementation is installed (scripts/install-test-deps.sh puts it in the test venv).
    static let hasCroniter = run(python, ["-c", "import croniter"], input: "")?.status == 0

    @Test(
        "next fire times equal Python croniter's for 200 random expressions",
        .enabled(if: hasCroniter, "croniter is not in .build/test-venv: run scripts/install-test-deps.sh (scripts/test does)"))
    func matchesCroniter() throws {
        let python = Self.python
        var rng = SplitMix64(seed: 16)
        var cases: [(expression: String, start: Int)] = []
        for _ in 0..<200 {
            // croniter reads `*/N` in a day field as a restriction, Vixie cron (and we) as `*`: the two agree when the
            // other day field is `*`, so `*/N` appears in a day field only then.
            let dayOfMonthStar = Bool.random(using: &rng)
            let dom = dayOfMonthStar ? "*" : Self.field(1...28, starStep: false, using: &rng)
            let dow = Self.field(0...6, starStep: dayOfMonthStar, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"], using: &rng)
            let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            let expression = [
                Self.field(0...59, starStep: true, using: &rng), Self.field(0...23, starStep: true, using: &rng), dom,
                Self.field(1...12, starStep: true, names: months, using: &rng), dow,
            ].joined(separator: " ")
            cases.append((expression, Int.random(in: 1_577_836_800...1_893_456_000, using: &rng)))  // 2020–2030
        }
        let script = """
            import sys, calendar
            from datetime import datetime, timezone
            from croniter import croniter
            for line in sys.stdin:
                expression, start = line.rstrip("\\n").split("\\t")
                base = datetime.fromtimestamp(int(start), timezone.utc).replace(tzinfo=None)
                print(calendar.timegm(croniter(expression, base).get_next(datetime).timetuple()))
            """
        let input = cases.map { "\($0.expression)\t\($0.start)\n" }.joined()
        let result = try #require(Self.run(python, ["-c", script], input: input))
        #expect(result.status == 0, "\(result.stdout)")
        let expected = result.stdout.split(separator: "\n").map { Int($0) }
        #expect(expected.count == cases.count)
        for (index, item) in cases.enumerated() where index < expected.count {
            let ours = try CronSchedule(parsing: item.expression).nextFire(after: Date(timeIntervalSince1970: Double(item.start)), calendar: Self.utc)
            #expect(ours.map { Int($0.timeIntervalSince1970) } == expected[index], "\(item.expression) after \(item.start)")
        }
    }

    /// Runs a program with `input` on stdin; nil when it cannot start.
    static func run(_ program: String, _ arguments: [String], input: String) -> (status: Int32, stdout: String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        guard (try? process.run()) != nil else { return nil }
        // Write on another thread so a large output cannot block the child while we still feed it.
        let data = Data(input.utf8)
        let writer = Thread {
            stdin.fileHandleForWriting.write(data)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
