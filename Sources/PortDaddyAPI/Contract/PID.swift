/// A process id the OS can hand out: 1 up to ``maximum``.
public struct PID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The largest PID any supported OS hands out (Linux `pid_max` can be raised to 2^22).
    public static let maximum = 4_194_304

    /// The PID, always in `1...maximum`.
    public let value: Int32

    /// Validates a PID.
    public init(validating raw: Int) throws(InvalidValue) {
        guard raw > 0, raw <= Self.maximum else { throw Self.invalid(raw) }
        value = Int32(raw)
    }

    /// A PID the OS handed out (`getpid()`, `getppid()`): valid by construction.
    public init(system value: Int32) {
        precondition(value > 0, "the OS hands out positive PIDs")
        self.value = value
    }

    /// Why `raw` is not a PID: `INVALID_PID`.
    public static func invalid(_ raw: Int) -> InvalidValue {
        InvalidValue(code: .invalidPID, message: "pid \(raw) is not a valid process id; use a positive number up to \(maximum)")
    }

    /// The PID of an `X-PID` header: nil without one; a header that is not a number is `INVALID_REQUEST`.
    public init?(header: String?) throws(InvalidValue) {
        guard let header else { return nil }
        guard let number = Int(header.trimmingWhitespace()) else {
            throw InvalidValue(code: .invalidRequest, message: "\(Headers.pid) header \"\(header)\" is not a number")
        }
        try self.init(validating: number)
    }

    public init(from decoder: any Decoder) throws {
        try self.init(validating: try decoder.singleValueContainer().decode(Int.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Int(value))
    }

    /// The PID as an `Int`.
    public var int: Int { Int(value) }
    public var description: String { String(value) }
}
