/// `POST /stacks/up`: start a project's services (all, or the named ones and what they need).
public struct StackUpRequest: Codable, Sendable {
    /// Absolute path of the directory holding `.portdaddyrc`.
    public var root: String
    /// The identity context (a git worktree's branch by default); `nil` for none.
    public var context: String?
    /// Services to start (with their dependencies); empty for all.
    public var services: [String]
    /// The caller's environment, which services inherit (PATH, virtualenvs, version managers).
    public var environment: [String: String]
    /// Treat every service as ready once started.
    public var noHealth: Bool

    public init(root: String, context: String?, services: [String], environment: [String: String], noHealth: Bool) {
        self.root = root
        self.context = context
        self.services = services
        self.environment = environment
        self.noHealth = noHealth
    }
}

/// `POST /stacks/{key}/down`, `POST /stacks/{key}/restart`: services to act on (empty: all).
public struct StackServicesRequest: Codable, Sendable {
    public var services: [String]
    public init(services: [String]) { self.services = services }
}

/// `POST /stacks/env`: the environment bundle of a project's services, with their ports claimed.
public struct StackEnvRequest: Codable, Sendable {
    public var root: String
    public var context: String?
    /// Who owns ports claimed for a stack that is not running (the caller's shell, like `pd env <identity>`):
    /// they are freed after it exits unless something listens on them.
    public var pid: PID?
    public init(root: String, context: String?, pid: PID? = nil) {
        self.root = root
        self.context = context
        self.pid = pid
    }
}

/// One variable of a stack's environment bundle.
public struct StackVariable: Codable, Sendable, Equatable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The environment bundle: shared variables (every sibling's `<NAME>_PORT`/`<NAME>_URL`) and each service's own.
public struct StackEnvResponse: Codable, Sendable {
    public var stack: String
    public var shared: [StackVariable]
    /// Per service: `PORT`, `PD_IDENTITY`, … in addition to the shared ones.
    public var services: [String: [StackVariable]]

    public init(stack: String, shared: [StackVariable], services: [String: [StackVariable]]) {
        self.stack = stack
        self.shared = shared
        self.services = services
    }
}

/// A supervised service as `pd ps` shows it.
public struct StackServiceInfo: Codable, Sendable, Equatable {
    public var name: String
    public var identity: String
    public var port: Int?
    public var pid: Int?
    /// pending, blocked, starting, ready, unhealthy, restarting, exited, stopping, stopped.
    public var state: String
    public var exitCode: Int?
    /// Milliseconds since 1970 when the current process started.
    public var startedAt: Int64?
    public var readyAt: Int64?
    public var restarts: Int
    public var url: String?
    /// Why it is in its state (a failed dependency, a timeout, a spawn error).
    public var detail: String?
    public var needs: [String]

    public init(
        name: String, identity: String, port: Int?, pid: Int?, state: String, exitCode: Int?, startedAt: Int64?, readyAt: Int64?, restarts: Int,
        url: String?, detail: String?, needs: [String]
    ) {
        self.name = name
        self.identity = identity
        self.port = port
        self.pid = pid
        self.state = state
        self.exitCode = exitCode
        self.startedAt = startedAt
        self.readyAt = readyAt
        self.restarts = restarts
        self.url = url
        self.detail = detail
        self.needs = needs
    }
}

/// A running (or failed) stack.
public struct StackInfo: Codable, Sendable, Equatable {
    /// `project` or `project:context`.
    public var key: String
    public var project: String
    public var context: String?
    public var root: String
    /// starting, ready, unhealthy, failed, stopping.
    public var state: String
    public var failure: String?
    public var services: [StackServiceInfo]
    /// The id of the newest event, to follow from.
    public var cursor: Int64

    public init(
        key: String, project: String, context: String?, root: String, state: String, failure: String?, services: [StackServiceInfo], cursor: Int64
    ) {
        self.key = key
        self.project = project
        self.context = context
        self.root = root
        self.state = state
        self.failure = failure
        self.services = services
        self.cursor = cursor
    }
}

public struct StacksResponse: Codable, Sendable {
    public var stacks: [StackInfo]
    public init(stacks: [StackInfo]) { self.stacks = stacks }
}

/// One event of a stack's feed: a log line, or a service changing state.
public struct StackEvent: Codable, Sendable, Equatable {
    public var id: Int64
    /// Milliseconds since 1970.
    public var at: Int64
    /// `log` or `state`.
    public var kind: String
    public var service: String
    /// For logs: `out`, `err`; for states: the new state.
    public var stream: String
    public var text: String

    public init(id: Int64, at: Int64, kind: String, service: String, stream: String, text: String) {
        self.id = id
        self.at = at
        self.kind = kind
        self.service = service
        self.stream = stream
        self.text = text
    }
}

public struct StackLogsResponse: Codable, Sendable {
    public var events: [StackEvent]
    public var cursor: Int64
    public init(events: [StackEvent], cursor: Int64) {
        self.events = events
        self.cursor = cursor
    }
}
