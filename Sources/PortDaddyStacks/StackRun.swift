import PortDaddyAPI
import PortDaddyCore
import PortDaddyStackConfig

/// What a supervised service is doing.
public enum ServiceState: String, Sendable {
    /// Waiting for its dependencies.
    case pending
    /// Not started: a dependency failed.
    case blocked
    /// Running, not ready yet.
    case starting
    case ready
    /// A oneshot task that exited 0.
    case completed
    /// Running, but its readiness check fails (or never passed within `readyTimeout`).
    case unhealthy
    /// Exited; waiting out the backoff before the next start.
    case restarting
    /// Exited and will not be restarted (policy, limit, or a start failure).
    case exited
    case stopping
    case stopped

    /// The process is up (or about to be).
    var isActive: Bool { [.pending, .starting, .ready, .unhealthy, .restarting, .stopping].contains(self) }
}

/// One service of a running stack (actor-isolated inside ``StackSupervisor``).
final class ServiceRun {
    var config: StackConfig.Service
    let identity: Identity
    var port: Int?
    var state = ServiceState.pending
    var detail: String?
    var pid: Int32?
    /// The last process of this service that has exited (set by its exit watcher).
    var exitedPID: Int32?
    var exit: ExitStatus?
    var startedAt: Int64?
    var readyAt: Int64?
    var restarts = 0
    var consecutiveRestarts = 0
    var stopping = false
    var restartRequested = false
    /// `pd restart` during a restart backoff: start now.
    var skipBackoff = false
    /// The readiness command probe that runs, if any (killed when the service is stopped).
    let probe = ProbeHandle()
    var task: Task<Void, Never>?

    init(config: StackConfig.Service, identity: Identity, port: Int?) {
        self.config = config
        self.identity = identity
        self.port = port
    }
}

/// A stack: one project's services in one context (actor-isolated inside ``StackSupervisor``).
final class StackRun {
    let key: String
    let project: String
    let context: String?
    let root: String
    var config: StackConfig
    var services: [String: ServiceRun] = [:]
    var inherited: [String: String]
    var noHealth: Bool
    var environment: StackEnvironment
    /// Every service's identity (ports are claimed for all of them, started or not).
    var identities: [String: Identity] = [:]
    let feed: StackFeed
    /// Suspended waiters by id: a change wakes them all, a waiter's own timeout only that one.
    var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    var nextWaiter = 0
    var removing = false

    init(
        key: String, project: String, context: String?, root: String, config: StackConfig, inherited: [String: String], noHealth: Bool,
        environment: StackEnvironment, feed: StackFeed
    ) {
        self.key = key
        self.project = project
        self.context = context
        self.root = root
        self.config = config
        self.inherited = inherited
        self.noHealth = noHealth
        self.environment = environment
        self.feed = feed
    }

    /// Wakes everyone waiting for a change in this stack.
    func changed() {
        let list = waiters
        waiters = [:]
        for waiter in list.values { waiter.resume() }
    }

    /// Wakes one waiter (its timeout), if it still waits.
    func wake(_ id: Int) {
        waiters.removeValue(forKey: id)?.resume()
    }

    /// The stack's state, derived from its services alone (a service removed from the config leaves no trace).
    var summaryState: String {
        if removing { return "stopping" }
        let states = services.values.map(\.state)
        if states.contains(where: { $0 == .blocked || $0 == .exited }) { return "failed" }
        if states.allSatisfy({ $0 == .ready || $0 == .completed }) { return "ready" }
        if states.contains(.unhealthy) { return "unhealthy" }
        return "starting"
    }
}

extension StackRun {
    /// The services in start order: the config's order, then any run the config no longer names.
    var orderedServices: [(String, ServiceRun)] {
        let order = config.startOrder.flatMap { $0 }
        let known = Set(order)
        let extra = services.keys.filter { !known.contains($0) }.sorted()
        return (order + extra).compactMap { name in services[name].map { (name, $0) } }
    }

    /// The first failed service and why, in start order, while the stack is failed.
    var failureSummary: String? {
        guard summaryState == "failed" else { return nil }
        for (name, run) in orderedServices where run.state == .blocked || run.state == .exited {
            return "\(name): " + (run.detail ?? run.state.rawValue)
        }
        return nil
    }

    func info(namedURL: (Identity) -> String?, only chosen: [(String, ServiceRun)]? = nil) -> StackInfo {
        var list: [StackServiceInfo] = []
        for (name, run) in chosen ?? orderedServices {
            var url: String?
            if let port = run.port { url = namedURL(run.identity) ?? "http://localhost:\(port)" }
            let exitCode: Int? = run.exit.map { Int($0.shellCode) }
            list.append(
                StackServiceInfo(
                    name: name, identity: run.identity.description, port: run.port, pid: run.pid.map(Int.init), state: run.state.rawValue,
                    exitCode: exitCode, startedAt: run.startedAt, readyAt: run.readyAt, restarts: run.restarts, url: url,
                    detail: run.detail, needs: run.config.needs))
        }
        return StackInfo(
            key: key, project: project, context: context, root: root, state: summaryState, failure: failureSummary, services: list,
            cursor: feed.cursor)
    }
}
