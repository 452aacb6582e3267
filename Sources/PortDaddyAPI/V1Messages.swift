/// v1 `POST /ports/request` body.
public struct V1PortRequest: Codable, Sendable {
    public var project: String
    public var preferred: PortNumber?
    public init(project: String, preferred: PortNumber? = nil) {
        self.project = project
        self.preferred = preferred
    }
}

/// v1 `POST /ports/request` response.
public struct V1PortResponse: Codable, Sendable {
    public var port: Int
    public var message: String
    public var existing: Bool
    public init(port: Int, message: String, existing: Bool) {
        self.port = port
        self.message = message
        self.existing = existing
    }
}

/// v1 `DELETE /ports/release` body: a project or a port.
public struct V1ReleaseRequest: Codable, Sendable {
    public var project: String?
    public var port: PortNumber?
    public init(project: String? = nil, port: PortNumber? = nil) {
        self.project = project
        self.port = port
    }
}

/// v1 `DELETE /ports/release` response.
public struct V1ReleaseResponse: Codable, Sendable {
    public var success: Bool
    public var message: String
    public init(success: Bool, message: String) {
        self.success = success
        self.message = message
    }
}

/// One row of v1 `GET /ports/active`.
public struct V1ActivePort: Codable, Sendable {
    public var port: Int
    public var project: String
    public var pid: Int?
    public var started: Int64
    public var lastSeen: Int64
    public var alive: Bool
    public var ageMinutes: Int
    public var startedAt: String
    public var lastSeenAt: String

    enum CodingKeys: String, CodingKey {
        case port, project, pid, started, alive
        case lastSeen = "last_seen"
        case ageMinutes = "age_minutes"
        case startedAt = "started_at"
        case lastSeenAt = "last_seen_at"
    }

    public init(
        port: Int, project: String, pid: Int?, started: Int64, lastSeen: Int64, alive: Bool, ageMinutes: Int, startedAt: String, lastSeenAt: String
    ) {
        self.port = port
        self.project = project
        self.pid = pid
        self.started = started
        self.lastSeen = lastSeen
        self.alive = alive
        self.ageMinutes = ageMinutes
        self.startedAt = startedAt
        self.lastSeenAt = lastSeenAt
    }
}

/// v1 `GET /ports/active` response.
public struct V1ActiveResponse: Codable, Sendable {
    public var ports: [V1ActivePort]
    public var count: Int
    public init(ports: [V1ActivePort]) {
        self.ports = ports
        self.count = ports.count
    }
}

/// v1 `GET /health` response.
public struct V1HealthResponse: Codable, Sendable {
    public var status: String
    public var uptimeSeconds: Int
    public var activePorts: Int
    public var pid: Int
    public var version: String
    /// The git commit the daemon was built from ("unknown" outside a git checkout); absent from older daemons.
    public var commit: String?
    /// The daemon's binary (`/proc/self/exe`); absent from older daemons.
    public var binary: String?

    enum CodingKeys: String, CodingKey {
        case status, pid, version, commit, binary
        case uptimeSeconds = "uptime_seconds"
        case activePorts = "active_ports"
    }

    public init(status: String, uptimeSeconds: Int, activePorts: Int, pid: Int, version: String, commit: String? = nil, binary: String? = nil) {
        self.status = status
        self.uptimeSeconds = uptimeSeconds
        self.activePorts = activePorts
        self.pid = pid
        self.version = version
        self.commit = commit
        self.binary = binary
    }
}

/// The version of Port Daddy.
public enum PortDaddyVersion {
    public static let current = "0.1.0"
}
