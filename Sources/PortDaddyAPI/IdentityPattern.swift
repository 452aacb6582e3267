/// A pattern over identities: segments separated by `:`, where `*` inside a segment matches any run of
/// characters and a final `*` segment matches any number (including zero) of remaining segments.
///
/// `myapp:*` matches `myapp`, `myapp:api` and `myapp:api:main`; `myapp:*:main` matches `myapp:web:main`;
/// `*` matches everything.
public struct IdentityPattern: Sendable, Hashable, CustomStringConvertible {
    public let segments: [String]
    public var description: String { segments.joined(separator: ":") }

    /// Whether a string looks like a pattern rather than an exact identity.
    public static func isPattern(_ raw: String) -> Bool { raw.contains("*") }

    /// Parses a pattern of at most `maxSegments` segments (3 for identities, more for channel names).
    public init(parsing raw: String, maxSegments: Int = 3) throws(IdentityError) {
        let trimmed = raw.trimmingWhitespace().asciiLowercased()
        guard !trimmed.isEmpty else { throw .invalidPattern(raw) }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= maxSegments else { throw .invalidPattern(raw) }
        for part in parts {
            guard !part.isEmpty, part.utf8.count <= 63 else { throw .invalidPattern(raw) }
            for byte in part.utf8 where byte != UInt8(ascii: "*") && !Identity.isAllowed(byte) {
                throw .invalidPattern(raw)
            }
        }
        segments = parts
    }

    /// Whether the identity matches this pattern.
    public func matches(_ identity: Identity) -> Bool { matches(segments: identity.segments) }

    /// The one identity this pattern matches when it has no `*` (a lookup, not a scan), else nil.
    public var exactIdentity: Identity? {
        guard !segments.contains(where: { $0.contains("*") }) else { return nil }
        return try? Identity(parsing: description)
    }

    /// Whether a `:`-separated name (a channel, say) matches this pattern.
    public func matches(name: String) -> Bool {
        matches(segments: name.split(separator: ":", omittingEmptySubsequences: false).map(String.init))
    }

    func matches(segments id: [String]) -> Bool {
        for (index, pattern) in segments.enumerated() {
            let isLast = index == segments.count - 1
            if isLast && pattern == "*" { return id.count >= index }
            guard index < id.count, IdentityPattern.glob(pattern, id[index]) else { return false }
        }
        return id.count == segments.count
    }

    /// Matches one segment against a glob whose only metacharacter is `*`.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8), t = Array(text.utf8)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && p[pi] != UInt8(ascii: "*") && p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
