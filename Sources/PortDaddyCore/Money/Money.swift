import Foundation
import PortDaddyAPI

// DecimalText moved to PortDaddyAPI (with MoneyText) so targets without the daemon's storage read money the same way;
// re-exported here so code that imports only PortDaddyCore keeps seeing it.
@_exported import struct PortDaddyAPI.DecimalText

/// Money as integer micro-dollars (µUSD), parsed exactly from decimal text: no `Double` anywhere.
/// The parsing is `MoneyText`'s (PortDaddyAPI); this is its domain face, throwing `PortDaddyError`.
public enum Money {
    /// One US dollar in micro-dollars.
    public static let microsPerUSD: Int64 = MoneyText.microsPerUSD
    /// The largest amount accepted anywhere: 1,000,000 USD.
    public static let maxMicros: Int64 = MoneyText.maxMicros

    /// "0.50", "1", "0.000001", " 2.5 " → micro-dollars, exactly (no Double): ≥ 0, ≤ 1,000,000 USD, at most 6 decimals;
    /// anything else throws .invalidRequest("budget \"x\" is not an amount in USD: …what is allowed").
    public static func micros(parsing usd: String, field: String = "budget") throws(PortDaddyError) -> Int64 {
        do {
            return try MoneyText.micros(parsing: usd, field: field)
        } catch {
            throw .invalidRequest(error.message)
        }
    }

    /// A cost a backend reports (claude's `total_cost_usd`, aider's "$0.0034", a `pd_usage` `costUsd`): a JSON-style
    /// decimal, exponent allowed, rounded half-up to 1 µUSD. Nil when it is not a number, negative or over 1,000,000 USD.
    public static func micros(roundingReported usd: String) -> Int64? {
        MoneyText.micros(roundingReported: usd)
    }
}
