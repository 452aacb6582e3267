/// Parses human durations such as `90`, `30s`, `15m`, `2h`, `1d` or `1h30m` into seconds.
public enum DurationParser {
    /// The longest duration accepted anywhere (10 years): keeps every millisecond deadline far from overflow.
    public static let maxSeconds: Double = 10 * 365 * 86400

    /// Seconds in `text`, or `nil` when it is not a valid positive duration of at most ``maxSeconds``.
    public static func seconds(_ text: String) -> Double? {
        let s = text.trimmingWhitespace().lowercased()
        guard !s.isEmpty else { return nil }
        if let plain = Double(s) { return plain > 0 && plain <= maxSeconds ? plain : nil }
        var total = 0.0
        var number = ""
        var sawUnit = false
        for ch in s {
            if ch.isNumber || ch == "." {
                number.append(ch)
                continue
            }
            let unit: Double
            switch ch {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            case "w": unit = 604_800
            default: return nil
            }
            guard let value = Double(number) else { return nil }
            total += value * unit
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit, total > 0, total <= maxSeconds else { return nil }
        return total
    }
}
