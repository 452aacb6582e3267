/// What a pheromone marks.
public enum PheromoneKind: String, Codable, Sendable, CaseIterable {
    case service, file, agent, session, channel, custom

    /// A kind by name; the plural (`services`, as the seed's `--table services`) is accepted too.
    public static func parse(_ raw: String) throws(InvalidValue) -> PheromoneKind {
        let name = raw.trimmingWhitespace().lowercased()
        if let kind = PheromoneKind(rawValue: name) { return kind }
        if name.hasSuffix("s"), let kind = PheromoneKind(rawValue: String(name.dropLast())) { return kind }
        throw InvalidValue(
            code: .invalidRequest, message: "pheromone kind \"\(raw)\" is not one of \(allCases.map(\.rawValue).joined(separator: ", "))")
    }
}

/// How a spray combines with what is there (decayed to now).
public enum PheromoneMode: String, Codable, Sendable, CaseIterable {
    /// `min(1, decayed + strength)`: reinforcement.
    case add
    /// Overwrite.
    case set
    /// Keep the larger of the decayed value and the strength.
    case max
}

/// `POST /pheromones` body.
public struct PheromoneSprayRequest: Codable, Sendable, Equatable {
    public var harbor: String?
    public var kind: String
    /// What is marked: a service identity, an absolute file path (the CLI normalizes it), an agent id…
    public var id: String
    /// The trail's name, e.g. `contention`, `interest`, `broken`.
    public var key: String
    /// 0…1.
    public var strength: Double
    /// Default `add`.
    public var mode: PheromoneMode?
    /// Default the daemon's (`PORT_DADDY_PHEROMONE_HALF_LIFE`, 10 minutes).
    public var halfLife: DurationValue?

    public init(
        harbor: String? = nil, kind: String, id: String, key: String, strength: Double, mode: PheromoneMode? = nil,
        halfLife: DurationValue? = nil
    ) {
        self.harbor = harbor
        self.kind = kind
        self.id = id
        self.key = key
        self.strength = strength
        self.mode = mode
        self.halfLife = halfLife
    }
}

/// One trail, its value decayed to the time of the answer: `strength · 2^−(age / halfLife)`.
public struct PheromoneInfo: Codable, Sendable, Equatable {
    public var harbor: String
    public var kind: String
    public var id: String
    public var key: String
    /// The value now.
    public var value: Double
    /// The value when last sprayed.
    public var strength: Double
    public var sprayedAt: Int64
    /// Seconds.
    public var halfLife: Double

    public init(harbor: String, kind: String, id: String, key: String, value: Double, strength: Double, sprayedAt: Int64, halfLife: Double) {
        self.harbor = harbor
        self.kind = kind
        self.id = id
        self.key = key
        self.value = value
        self.strength = strength
        self.sprayedAt = sprayedAt
        self.halfLife = halfLife
    }
}

/// `GET /pheromones/{kind}/{id}` response: every key on one thing, and their sum (capped at 1).
public struct PheromoneSniffResponse: Codable, Sendable, Equatable {
    public var kind: String
    public var id: String
    public var total: Double
    public var keys: [PheromoneInfo]

    public init(kind: String, id: String, total: Double, keys: [PheromoneInfo]) {
        self.kind = kind
        self.id = id
        self.total = total
        self.keys = keys
    }
}

/// `GET /pheromones` response, strongest first.
public struct PheromonesResponse: Codable, Sendable, Equatable {
    public var pheromones: [PheromoneInfo]
    public init(pheromones: [PheromoneInfo]) { self.pheromones = pheromones }
}

/// A file's heat: `min(1, Σ decayed keys)`, the keys, and the agents holding a claim on it now.
public struct FileHeat: Codable, Sendable, Equatable {
    public var path: String
    public var heat: Double
    public var keys: [String: Double]
    public var holders: [String]

    public init(path: String, heat: Double, keys: [String: Double], holders: [String]) {
        self.path = path
        self.heat = heat
        self.keys = keys
        self.holders = holders
    }
}

/// `GET /pheromones/files` response, hottest first.
public struct FileHeatResponse: Codable, Sendable, Equatable {
    public var files: [FileHeat]
    public init(files: [FileHeat]) { self.files = files }
}
