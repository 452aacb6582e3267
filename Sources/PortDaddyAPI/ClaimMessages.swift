/// `POST /claim` body.
public struct ClaimRequest: Codable, Sendable, Equatable {
    /// Identity, `project[:stack[:context]]`.
    public var id: Identity
    /// A specific port to claim.
    public var port: PortNumber?
    /// When `port` is taken, accept another port instead of failing.
    public var fallback: Bool?
    /// The owner PID (default: the `X-PID` header, else none).
    public var pid: PID?
    /// Time to live: seconds as a number, or a duration string such as `2h`.
    public var expires: DurationValue?
    /// Held until released: not freed when its owner dies.
    public var sticky: Bool?

    public init(id: Identity, port: PortNumber? = nil, fallback: Bool? = nil, pid: PID? = nil, expires: DurationValue? = nil, sticky: Bool? = nil) {
        self.id = id
        self.port = port
        self.fallback = fallback
        self.pid = pid
        self.expires = expires
        self.sticky = sticky
    }

    private enum CodingKeys: String, CodingKey { case id, port, fallback, pid, expires, sticky }

    /// Decodes and validates every field, in order; a bad `expires` is `INVALID_DURATION` here (elsewhere a bad
    /// duration is `INVALID_REQUEST`, as documented).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Identity.self, forKey: .id)
        port = try c.decodeIfPresent(PortNumber.self, forKey: .port)
        fallback = try c.decodeIfPresent(Bool.self, forKey: .fallback)
        pid = try c.decodeIfPresent(PID.self, forKey: .pid)
        do { expires = try c.decodeIfPresent(DurationValue.self, forKey: .expires) } catch let DecodingError.dataCorrupted(context) {
            throw InvalidValue(code: .invalidDuration, message: "expires: \(context.debugDescription)")
        }
        sticky = try c.decodeIfPresent(Bool.self, forKey: .sticky)
    }
}

/// A duration on the wire: either a number of seconds or a string such as `90s`, `15m`, `2h`.
public struct DurationValue: Codable, Sendable, Equatable {
    public var seconds: Double
    public init(seconds: Double) { self.seconds = seconds }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            guard number > 0, number <= DurationParser.maxSeconds else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "duration must be positive and at most 10 years")
            }
            seconds = number
        } else {
            let text = try container.decode(String.self)
            guard let parsed = DurationParser.seconds(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid duration \"\(text)\"; use e.g. 90s, 15m, 2h, 1d")
            }
            seconds = parsed
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(seconds)
    }
}

/// The lifecycle state of a claim.
public enum ClaimState: String, Codable, Sendable {
    /// Claimed; the owner is alive but nothing listens on the port yet.
    case assigned
    /// Something is listening on the port.
    case listening
    /// The owner is gone and nothing listens; the reaper frees it after the grace period.
    case dead
}

/// `POST /claim` response.
public struct ClaimResponse: Codable, Sendable, Equatable {
    public var id: String
    public var port: Int
    /// True when the identity already held this claim.
    public var existing: Bool
    public var state: ClaimState
    public var pid: Int?
    public var sticky: Bool
    /// Expiry in milliseconds since 1970, if the claim has a TTL.
    public var expiresAt: Int64?
    /// What happened, in words.
    public var message: String

    public init(id: String, port: Int, existing: Bool, state: ClaimState, pid: Int?, sticky: Bool, expiresAt: Int64?, message: String) {
        self.id = id
        self.port = port
        self.existing = existing
        self.state = state
        self.pid = pid
        self.sticky = sticky
        self.expiresAt = expiresAt
        self.message = message
    }
}

/// `DELETE /release` body: an identity, a port number, or a pattern such as `myapp:*`.
public struct ReleaseRequest: Codable, Sendable, Equatable {
    public var id: String
    public init(id: String) { self.id = id }
}

/// One released or freed claim.
public struct ReleasedClaim: Codable, Sendable, Equatable {
    public var id: String
    public var port: Int
    /// Why it was freed (`released`, `expired`, `owner-dead`).
    public var reason: String?
    public init(id: String, port: Int, reason: String? = nil) {
        self.id = id
        self.port = port
        self.reason = reason
    }
}

/// `DELETE /release` response.
public struct ReleaseResponse: Codable, Sendable, Equatable {
    public var success: Bool
    public var released: [ReleasedClaim]
    public var count: Int
    public var message: String
    public init(released: [ReleasedClaim], message: String) {
        self.success = true
        self.released = released
        self.count = released.count
        self.message = message
    }
}

/// `POST /ports/cleanup` response (also the v1 shape: `freed[].port`, `freed[].project`).
public struct CleanupResponse: Codable, Sendable, Equatable {
    public struct Freed: Codable, Sendable, Equatable {
        public var port: Int
        public var project: String
        public var reason: String
        public init(port: Int, project: String, reason: String) {
            self.port = port
            self.project = project
            self.reason = reason
        }
    }
    public var freed: [Freed]
    public var count: Int
    public init(freed: [Freed]) {
        self.freed = freed
        self.count = freed.count
    }
}
