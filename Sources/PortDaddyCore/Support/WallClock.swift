#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the domain gets the time from, so tests can drive expiry without sleeping.
public protocol WallClock: Sendable {
    /// Milliseconds since 1970.
    func nowMillis() -> Int64
}

/// The real time of day.
public struct SystemWallClock: WallClock {
    public init() {}
    public func nowMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
