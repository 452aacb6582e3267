/// A decimal number read digit by digit, never through `Double`: `digits × 10^exponent`.
public struct DecimalText: Equatable, Sendable {
    public var negative: Bool
    /// The significant digits (0–9), without leading zeros; empty for zero.
    public var digits: [UInt8]
    public var exponent: Int
    /// How many digits the text had after its decimal point (before any exponent).
    public var fractionDigits: Int

    /// Reads `[-]digits[.digits]` and, when `allowExponent`, a JSON-style `e[+-]digits` suffix. Nil for anything else.
    public init?(_ text: Substring, allowExponent: Bool) {
        var bytes = Array(text.utf8)[...]
        negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        var all: [UInt8] = []
        var integerCount = 0
        while let byte = bytes.first, Self.isDigit(byte) {
            all.append(byte - UInt8(ascii: "0"))
            integerCount += 1
            bytes = bytes.dropFirst()
        }
        fractionDigits = 0
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            while let byte = bytes.first, Self.isDigit(byte) {
                all.append(byte - UInt8(ascii: "0"))
                fractionDigits += 1
                bytes = bytes.dropFirst()
            }
            if fractionDigits == 0 { return nil }
        }
        if all.isEmpty { return nil }
        var power = 0
        if allowExponent, let byte = bytes.first, byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            var exponentNegative = false
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponentNegative = sign == UInt8(ascii: "-")
                bytes = bytes.dropFirst()
            }
            var count = 0
            while let byte = bytes.first, Self.isDigit(byte) {
                // Beyond 9 digits the number is 0 or out of any range we accept; keep the power bounded.
                if power < 100_000_000 { power = power * 10 + Int(byte - UInt8(ascii: "0")) }
                count += 1
                bytes = bytes.dropFirst()
            }
            if count == 0 { return nil }
            if exponentNegative { power = -power }
        }
        if !bytes.isEmpty { return nil }
        let firstSignificant = all.firstIndex(where: { $0 != 0 }) ?? all.endIndex
        digits = Array(all[firstSignificant...])
        exponent = power - fractionDigits
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// The value × 10^`scale`, rounded half-up to an integer; nil when it exceeds `limit` (or is negative and not zero).
    public func scaledRoundingHalfUp(scale: Int, limit: Int64) -> Int64? {
        if digits.isEmpty { return 0 }
        if negative { return nil }
        let shift = exponent + scale  // value × 10^scale = digits × 10^shift
        let keep = digits.count + shift  // how many leading digits are whole
        if keep > 19 { return nil }
        var whole: Int64 = 0
        for index in 0..<max(0, keep) {
            let digit = index < digits.count ? Int64(digits[index]) : 0
            let (times, overflowA) = whole.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(digit)
            if overflowA || overflowB { return nil }
            whole = sum
        }
        if keep >= 0, keep < digits.count, digits[keep] >= 5 {
            let (rounded, overflow) = whole.addingReportingOverflow(1)
            if overflow { return nil }
            whole = rounded
        }
        return whole <= limit ? whole : nil
    }
}
