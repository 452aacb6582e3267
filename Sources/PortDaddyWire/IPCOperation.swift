import PortDaddyAPI

/// The operations a `request` can name in `content.op`. Each maps onto one Core service call, as the HTTP route
/// of the same name does; the arguments are the HTTP body's fields (plus what HTTP carries in the path).
public enum IPCOperation: String, Sendable, CaseIterable {
    /// ``ClaimRequest`` → ``ClaimResponse`` (`POST /claim`).
    case claim
    /// ``ReleaseRequest`` → ``ReleaseResponse`` (`DELETE /release`).
    case release
    /// ``IPCFindArguments`` → ``ServicesResponse`` (`GET /services?pattern=`).
    case find
    /// no arguments → ``V1HealthResponse`` (`GET /health`).
    case health
    /// ``IPCGetPortArguments`` → ``V1PortResponse`` (v1 `POST /ports/request`).
    case getPort = "get-port"
    /// ``IPCLockArguments`` → ``LockInfo`` (`POST /locks/{name}`); with `wait`, `agree` first when queued.
    case lockAcquire = "lock.acquire"
    /// ``IPCLockReleaseArguments`` → ``LockReleaseResponse`` (`DELETE /locks/{name}`).
    case lockRelease = "lock.release"
    /// ``IPCLockArguments`` (`ttl`) → ``LockInfo`` (`POST /locks/{name}/extend`).
    case lockExtend = "lock.extend"
    /// ``IPCPublishArguments`` → ``ChannelMessageInfo`` (`POST /channels/{name}`).
    case publish
    /// ``IPCAgentArguments`` → ``AgentInfo`` (`POST /agents/{id}/heartbeat`).
    case heartbeat
    /// ``IPCNoteArguments`` → ``NoteInfo`` (`POST /sessions/current/notes`).
    case note
}

/// `find` arguments.
public struct IPCFindArguments: Codable, Sendable {
    public var pattern: String?
    public init(pattern: String? = nil) { self.pattern = pattern }
}

/// `get-port` arguments: v1's body plus the owner PID v1 sends as `X-PID`.
public struct IPCGetPortArguments: Codable, Sendable {
    public var project: String
    public var preferred: PortNumber?
    public var pid: PID?
    public init(project: String, preferred: PortNumber? = nil, pid: PID? = nil) {
        self.project = project
        self.preferred = preferred
        self.pid = pid
    }
}

/// `lock.acquire` and `lock.extend` arguments: the lock's name and ``LockAcquireRequest``'s fields.
public struct IPCLockArguments: Codable, Sendable {
    public var name: String
    public var owner: String?
    public var pid: PID?
    public var ttl: DurationValue?
    /// `lock.acquire` only: queue for up to this long.
    public var wait: DurationValue?
    public init(name: String, owner: String? = nil, pid: PID? = nil, ttl: DurationValue? = nil, wait: DurationValue? = nil) {
        self.name = name
        self.owner = owner
        self.pid = pid
        self.ttl = ttl
        self.wait = wait
    }
}

/// `lock.release` arguments: the lock's name and ``LockReleaseRequest``'s fields.
public struct IPCLockReleaseArguments: Codable, Sendable {
    public var name: String
    public var owner: String?
    public var pid: PID?
    public var token: Int64?
    public var force: Bool?
    public init(name: String, owner: String? = nil, pid: PID? = nil, token: Int64? = nil, force: Bool? = nil) {
        self.name = name
        self.owner = owner
        self.pid = pid
        self.token = token
        self.force = force
    }
}

/// `publish` arguments: the channel and ``PublishRequest``'s fields.
public struct IPCPublishArguments: Codable, Sendable {
    public var channel: String
    public var message: String
    public var sender: String?
    public var signal: String?
    public var inReplyTo: Int64?
    public init(channel: String, message: String, sender: String? = nil, signal: String? = nil, inReplyTo: Int64? = nil) {
        self.channel = channel
        self.message = message
        self.sender = sender
        self.signal = signal
        self.inReplyTo = inReplyTo
    }
}

/// `heartbeat` arguments.
public struct IPCAgentArguments: Codable, Sendable {
    public var agent: String
    public init(agent: String) { self.agent = agent }
}

/// `note` arguments: the agent and ``NoteRequest``'s fields.
public struct IPCNoteArguments: Codable, Sendable {
    public var agent: String
    public var text: String
    public var type: NoteType?
    public init(agent: String, text: String, type: NoteType? = nil) {
        self.agent = agent
        self.text = text
        self.type = type
    }
}

/// `subscribe` arguments (`content.args` of a `subscribe`): a channel or pattern, and the id to resume after.
public struct IPCSubscribeArguments: Codable, Sendable {
    public var pattern: String
    public var after: Int64?
    public init(pattern: String, after: Int64? = nil) {
        self.pattern = pattern
        self.after = after
    }
}
