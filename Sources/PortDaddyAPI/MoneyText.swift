import Foundation

/// Dollar amounts written as text (`"0.50"`, `"2"`), read exactly into integer micro-dollars (µUSD): no `Double`.
/// Lives here so every target (the daemon's `Money`, `pd-fleet.yml` validation) reads money one way.
public enum MoneyText {
    /// One US dollar in micro-dollars.
    public static let microsPerUSD: Int64 = 1_000_000
    /// The largest amount accepted anywhere: 1,000,000 USD.
    public static let maxMicros: Int64 = 1_000_000 * microsPerUSD

    /// Why a text is not an amount; `message` is the whole sentence naming `field` and the text.
    public struct Problem: Error, Equatable, Sendable {
        /// E.g. `budget "abc" is not an amount in USD: write a plain decimal number of dollars such as 0.50 or 2 (…)`.
        public var message: String
    }

    /// "0.50", "1", "0.000001", " 2.5 " → micro-dollars, exactly: ≥ 0, ≤ 1,000,000 USD, at most 6 decimals; anything
    /// else throws a `Problem` saying what is allowed.
    public static func micros(parsing usd: String, field: String) throws(Problem) -> Int64 {
        let trimmed = usd.trimmingCharacters(in: .whitespacesAndNewlines)
        let problem: String
        if let number = DecimalText(trimmed[...], allowExponent: false) {
            if number.negative && !number.digits.isEmpty {
                problem = "it must not be negative"
            } else if number.fractionDigits > 6 {
                problem = "at most 6 decimals (1 µUSD) are allowed"
            } else if let micros = number.scaledRoundingHalfUp(scale: 6, limit: maxMicros) {
                return micros
            } else {
                problem = "at most 1000000 USD is allowed"
            }
        } else {
            problem = "write a plain decimal number of dollars such as 0.50 or 2 (no sign, exponent or currency symbol)"
        }
        throw Problem(message: "\(field) \"\(usd)\" is not an amount in USD: \(problem)")
    }

    /// A cost a backend reports (claude's `total_cost_usd`, aider's "$0.0034", a `pd_usage` `costUsd`): a JSON-style
    /// decimal, exponent allowed, rounded half-up to 1 µUSD. Nil when it is not a number, negative or over 1,000,000 USD.
    public static func micros(roundingReported usd: String) -> Int64? {
        let trimmed = usd.trimmingCharacters(in: .whitespacesAndNewlines)
        return DecimalText(trimmed[...], allowExponent: true)?.scaledRoundingHalfUp(scale: 6, limit: maxMicros)
    }
}
