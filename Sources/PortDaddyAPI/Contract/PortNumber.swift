/// A TCP port number, 1–65535: the one place that range and its message live. (Not `Port`: Foundation has a
/// class of that name, and the two would be ambiguous wherever both are imported.)
public struct PortNumber: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Every port a claim, a v1 request or a release may name.
    public static let range: ClosedRange<Int> = 1...65535

    /// The ports a listener may be given: ``range`` and 0, which lets the OS choose.
    public static let listenRange: ClosedRange<Int> = 0...range.upperBound

    /// The number, always within ``range``.
    public let value: Int

    /// Validates a port number.
    public init(validating value: Int) throws(InvalidValue) {
        guard Self.range.contains(value) else { throw Self.outOfRange(value) }
        self.value = value
    }

    /// Parses a port typed by a user (`"3100"`); nil when the text is not a whole number at all.
    public init?(parsing text: String) throws(InvalidValue) {
        guard let number = Int(text.trimmingWhitespace()) else { return nil }
        try self.init(validating: number)
    }

    /// Why `value` is not a port: `INVALID_PORT`, naming the range.
    public static func outOfRange(_ value: Int) -> InvalidValue {
        InvalidValue(
            code: .invalidPort,
            message: "port \(value) is out of range; use a port between \(range.lowerBound) and \(range.upperBound)")
    }

    public init(from decoder: any Decoder) throws {
        try self.init(validating: try decoder.singleValueContainer().decode(Int.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public var description: String { String(value) }
    public static func < (a: PortNumber, b: PortNumber) -> Bool { a.value < b.value }
}
