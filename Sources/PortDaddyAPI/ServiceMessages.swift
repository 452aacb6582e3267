/// One claimed service as `GET /services` reports it.
public struct ServiceInfo: Codable, Sendable, Equatable {
    public var id: String
    public var port: Int
    public var state: ClaimState
    /// Owner PID, if any.
    public var pid: Int?
    /// Whether the owner process (matched by PID and start time) is alive.
    public var pidAlive: Bool
    /// Whether something listens on the port right now.
    public var listening: Bool
    public var sticky: Bool
    /// Milliseconds since 1970.
    public var claimedAt: Int64
    /// Last time the owner was seen alive or the port listening, milliseconds since 1970.
    public var lastSeenAt: Int64
    public var expiresAt: Int64?

    public init(
        id: String, port: Int, state: ClaimState, pid: Int?, pidAlive: Bool, listening: Bool, sticky: Bool, claimedAt: Int64, lastSeenAt: Int64,
        expiresAt: Int64?
    ) {
        self.id = id
        self.port = port
        self.state = state
        self.pid = pid
        self.pidAlive = pidAlive
        self.listening = listening
        self.sticky = sticky
        self.claimedAt = claimedAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
    }
}

/// `GET /services` response.
public struct ServicesResponse: Codable, Sendable, Equatable {
    public var services: [ServiceInfo]
    public var count: Int
    public init(services: [ServiceInfo]) {
        self.services = services
        self.count = services.count
    }
}

/// `GET /status` response: what the daemon is and how it is doing.
public struct StatusResponse: Codable, Sendable, Equatable {
    public var status: String
    public var version: String
    public var pid: Int
    public var uptimeSeconds: Int
    public var home: String
    public var socket: String
    public var tcpHost: String
    public var tcpPort: Int
    public var rangeStart: Int
    public var rangeEnd: Int
    public var reserved: [Int]
    public var claims: Int
    public var reapIntervalSeconds: Double
    public var reapGraceSeconds: Double
    /// Claims the reaper has freed since the daemon started.
    public var reaped: Int
    /// The reverse proxy's port, while it runs.
    public var proxyPort: Int?
    /// The DNS responder's port and domain, while it runs.
    public var dnsPort: Int?
    public var dnsDomain: String?
    /// The keys of the running stacks.
    public var stacks: [String]?
    /// The agent runs going and today's spend.
    public var runs: RunsStatus?
    /// Fleets running, their agents at work and their waiting wakes.
    public var fleets: FleetStatusFigures?
    /// The git commit the daemon was built from ("unknown" outside a git checkout).
    public var commit: String?
    /// The daemon's binary (`/proc/self/exe`).
    public var binary: String?

    public init(
        status: String, version: String, pid: Int, uptimeSeconds: Int, home: String, socket: String, tcpHost: String, tcpPort: Int, rangeStart: Int,
        rangeEnd: Int, reserved: [Int], claims: Int, reapIntervalSeconds: Double, reapGraceSeconds: Double, reaped: Int, proxyPort: Int? = nil,
        dnsPort: Int? = nil, dnsDomain: String? = nil, stacks: [String]? = nil, runs: RunsStatus? = nil, commit: String? = nil, binary: String? = nil,
        fleets: FleetStatusFigures? = nil
    ) {
        self.commit = commit
        self.binary = binary
        self.runs = runs
        self.fleets = fleets
        self.proxyPort = proxyPort
        self.dnsPort = dnsPort
        self.dnsDomain = dnsDomain
        self.stacks = stacks
        self.status = status
        self.version = version
        self.pid = pid
        self.uptimeSeconds = uptimeSeconds
        self.home = home
        self.socket = socket
        self.tcpHost = tcpHost
        self.tcpPort = tcpPort
        self.rangeStart = rangeStart
        self.rangeEnd = rangeEnd
        self.reserved = reserved
        self.claims = claims
        self.reapIntervalSeconds = reapIntervalSeconds
        self.reapGraceSeconds = reapGraceSeconds
        self.reaped = reaped
    }
}

/// `GET /diagnostics` response, used by `pd doctor`.
public struct DiagnosticsResponse: Codable, Sendable, Equatable {
    /// `ok` or SQLite's description of what is wrong.
    public var databaseIntegrity: String
    public var databasePath: String
    public var walBytes: Int64
    /// Identities whose non-sticky claim is `dead` (will be reaped after the grace period).
    public var deadClaims: [String]
    public init(databaseIntegrity: String, databasePath: String, walBytes: Int64, deadClaims: [String]) {
        self.databaseIntegrity = databaseIntegrity
        self.databasePath = databasePath
        self.walBytes = walBytes
        self.deadClaims = deadClaims
    }
}
