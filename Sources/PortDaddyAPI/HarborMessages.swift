/// Harbor names: identity rules (1–3 `:`-separated segments of a-z, 0-9, `.`, `_`, `-`), lower-cased.
public enum HarborName {
    /// The harbor every tuple and pheromone goes to when none is named and `$PD_HARBOR` is unset.
    public static let global = "global"

    /// The name normalized, or `INVALID_REQUEST` naming the rule.
    public static func validated(_ raw: String) throws(InvalidValue) -> String {
        guard let identity = try? Identity(parsing: raw) else {
            throw InvalidValue(
                code: .invalidRequest,
                message: "harbor \"\(raw)\" is not valid; harbor names follow identity rules, e.g. myapp or myapp:review")
        }
        return identity.description
    }

    /// The harbor a caller means: the one named, else `global` (the CLI sends `$PD_HARBOR` when set).
    public static func resolved(_ raw: String?) throws(InvalidValue) -> String {
        guard let raw, !raw.trimmingWhitespace().isEmpty else { return global }
        return try validated(raw)
    }
}

/// `POST /harbors` body.
public struct HarborCreateRequest: Codable, Sendable, Equatable {
    public var name: String
    /// Only members may write (tuple out/in, spray): others get 403 `NOT_HARBOR_MEMBER`.
    public var closed: Bool?
    /// Destroyed, with its tuples and pheromones, when its last member leaves or is declared dead.
    public var ephemeral: Bool?
    /// Destroyed (with its contents) this long after creation.
    public var ttl: DurationValue?

    public init(name: String, closed: Bool? = nil, ephemeral: Bool? = nil, ttl: DurationValue? = nil) {
        self.name = name
        self.closed = closed
        self.ephemeral = ephemeral
        self.ttl = ttl
    }
}

/// One member of a harbor: an agent id (self-asserted, so membership is coordination hygiene, not security).
public struct HarborMember: Codable, Sendable, Equatable {
    public var agent: String
    public var joinedAt: Int64

    public init(agent: String, joinedAt: Int64) {
        self.agent = agent
        self.joinedAt = joinedAt
    }
}

/// A harbor: created ones with their settings and members; undeclared ones (`global`, or any name tuples were
/// written to) are open and have no members.
public struct HarborInfo: Codable, Sendable, Equatable {
    public var name: String
    /// Created with `pd harbor create` (false: an open harbor that exists because something was written to it).
    public var declared: Bool
    public var closed: Bool
    public var ephemeral: Bool
    public var createdBy: String?
    public var createdAt: Int64?
    public var expiresAt: Int64?
    public var members: [HarborMember]
    /// Live tuples.
    public var tuples: Int
    /// Stored pheromone rows.
    public var pheromones: Int

    public init(
        name: String, declared: Bool, closed: Bool, ephemeral: Bool, createdBy: String?, createdAt: Int64?, expiresAt: Int64?,
        members: [HarborMember], tuples: Int, pheromones: Int
    ) {
        self.name = name
        self.declared = declared
        self.closed = closed
        self.ephemeral = ephemeral
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.members = members
        self.tuples = tuples
        self.pheromones = pheromones
    }
}

/// `GET /harbors` response.
public struct HarborsResponse: Codable, Sendable, Equatable {
    public var harbors: [HarborInfo]
    public init(harbors: [HarborInfo]) { self.harbors = harbors }
}

/// `DELETE /harbors/{name}` response: what was shredded.
public struct HarborDestroyResponse: Codable, Sendable, Equatable {
    public var name: String
    public var tuples: Int
    public var pheromones: Int

    public init(name: String, tuples: Int, pheromones: Int) {
        self.name = name
        self.tuples = tuples
        self.pheromones = pheromones
    }
}
