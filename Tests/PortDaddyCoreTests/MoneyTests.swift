import Testing

@testable import PortDaddyCore

@Suite("Money")
struct MoneyTests {
    @Test(
        "decimal dollars become exact micro-dollars",
        arguments: [
            ("0.50", 500_000), ("1", 1_000_000), ("0.000001", 1), (" 2.5 ", 2_500_000), ("0", 0), ("0.0", 0),
            (".25", 250_000), ("1000000", 1_000_000_000_000), ("999999.999999", 999_999_999_999), ("0.1", 100_000),
            ("007.10", 7_100_000),
        ] as [(String, Int64)])
    func parses(text: String, micros: Int64) throws {
        #expect(try Money.micros(parsing: text) == micros)
    }

    @Test("anything but a plain non-negative amount of at most 6 decimals and 1,000,000 USD is refused, saying why")
    func refuses() {
        let cases: [(String, String)] = [
            ("0.0000001", "at most 6 decimals"), ("1e3", "plain decimal number"), ("-1", "must not be negative"),
            ("1000001", "at most 1000000 USD"), ("1000000.000001", "at most 1000000 USD"), ("", "plain decimal number"),
            ("abc", "plain decimal number"), ("$1", "plain decimal number"), ("1.", "plain decimal number"), ("1,5", "plain decimal number"),
            ("+1", "plain decimal number"), ("NaN", "plain decimal number"), ("99999999999999999999999", "at most 1000000 USD"),
        ]
        for (text, why) in cases {
            #expect(throws: PortDaddyError.invalidRequest("budget \"\(text)\" is not an amount in USD: \(Self.problem(why))")) {
                try Money.micros(parsing: text)
            }
        }
    }

    @Test("the field is named in the refusal")
    func namesField() {
        #expect(throws: PortDaddyError.invalidRequest("costUsd \"-0.5\" is not an amount in USD: it must not be negative")) {
            try Money.micros(parsing: "-0.5", field: "costUsd")
        }
    }

    @Test("reported costs round half-up to 1 µUSD, exponents included")
    func reported() {
        #expect(Money.micros(roundingReported: "0.0123455") == 12_346)
        #expect(Money.micros(roundingReported: "0.0123454999") == 12_345)
        #expect(Money.micros(roundingReported: "0.0000005") == 1)
        #expect(Money.micros(roundingReported: "0.00000049") == 0)
        #expect(Money.micros(roundingReported: "5e-7") == 1)
        #expect(Money.micros(roundingReported: "1.2345E+2") == 123_450_000)
        #expect(Money.micros(roundingReported: "0.15234375") == 152_344)
        #expect(Money.micros(roundingReported: "0") == 0)
        #expect(Money.micros(roundingReported: "-0.01") == nil)
        #expect(Money.micros(roundingReported: "1e999999999999") == nil)
        #expect(Money.micros(roundingReported: "1e-999999999999") == 0)
        #expect(Money.micros(roundingReported: "2000000") == nil)
        #expect(Money.micros(roundingReported: "cheap") == nil)
    }

    /// The refusal's explanation for the short key a case names.
    private static func problem(_ key: String) -> String {
        switch key {
        case "at most 6 decimals": return "at most 6 decimals (1 µUSD) are allowed"
        case "must not be negative": return "it must not be negative"
        case "at most 1000000 USD": return "at most 1000000 USD is allowed"
        default: return "write a plain decimal number of dollars such as 0.50 or 2 (no sign, exponent or currency symbol)"
        }
    }
}
