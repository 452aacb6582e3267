/// The rules the claim service works by.
public struct ClaimSettings: Sendable {
    /// Ports handed out when no specific port is asked for.
    public var range: ClosedRange<Int>
    /// Ports never handed out (the daemon's own and any configured ones).
    public var reserved: Set<Int>
    /// How long a claim whose owner is dead and whose port is silent is kept before it is freed.
    public var graceSeconds: Double

    public init(range: ClosedRange<Int> = 3100...9999, reserved: Set<Int> = [], graceSeconds: Double = 120) {
        self.range = range
        self.reserved = reserved
        self.graceSeconds = graceSeconds
    }
}
