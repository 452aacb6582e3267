/// A hash that is the same in every process and on every machine (FNV-1a, 64-bit).
///
/// Swift's `Hasher` is seeded per process, so it must never decide a port.
public enum StableHash {
    /// The FNV-1a 64-bit hash of the UTF-8 bytes of `text`.
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// The deterministic first-choice port of an identity inside `range`.
    public static func preferredPort(for identity: Identity, in range: ClosedRange<Int>) -> Int {
        let size = UInt64(range.count)
        return range.lowerBound + Int(fnv1a64(identity.description) % size)
    }
}
