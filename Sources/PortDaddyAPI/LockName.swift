/// The name of a lock: one to four segments of `[a-z0-9._-]` separated by `:` (e.g. `db:migrate`), lower-cased.
///
/// The same rule applies in the CLI, the HTTP routes and the core, so a name accepted anywhere is accepted
/// everywhere.
public struct LockName: Hashable, Sendable, CustomStringConvertible, Codable {
    public let value: String
    public var description: String { value }

    public init(parsing raw: String) throws(IdentityError) {
        let trimmed = raw.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .empty }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false).map { String($0).asciiLowercased() }
        guard parts.count <= 4 else { throw .tooManyNameSegments(trimmed, limit: 4) }
        for part in parts { try Identity.validate(segment: part, in: trimmed) }
        value = parts.joined(separator: ":")
    }

    public init(from decoder: any Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
