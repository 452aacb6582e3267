import Foundation
import PortDaddyAPI
import PortDaddyCore
import PortDaddyStackConfig

/// Tunables of the supervisor.
public struct StackSettings: Sendable {
    /// Time between SIGTERM and SIGKILL when stopping a service.
    public var stopGrace: Duration = .seconds(5)
    /// Time between liveness checks once a service is up (to notice it turning unhealthy, or healthy late).
    public var monitorInterval: Duration = .seconds(5)
    /// First restart delay; doubles per restart in a row, up to `maxBackoff`.
    public var baseBackoff: Duration = .seconds(1)
    public var maxBackoff: Duration = .seconds(30)
    /// A run this long resets the restarts-in-a-row count.
    public var stableRun: Duration = .seconds(60)

    public init() {}
}

/// Runs stacks: starts services in dependency order once each dependency is ready, supervises them (restart
/// policies with backoff), streams their output into a ``StackFeed``, and stops whole process trees in reverse
/// order. Every process is recorded in the store so a daemon that was killed reaps its orphans at the next start.
public actor StackSupervisor {
    let claims: ClaimService
    let store: any SupervisedProcessStore
    let activity: ActivityLog
    let processes: any ProcessProber
    let clock: any WallClock
    let settings: StackSettings
    let namedURL: @Sendable (Identity) -> String?
    /// The name domains the daemon serves (for `PD_HOSTS`).
    let domains: [String]
    var stacks: [String: StackRun] = [:]
    /// Beats on every event of every stack (output lines, state changes).
    public nonisolated let pulse = StackPulse()
    /// Set once the daemon stops: no stack may start any more.
    var shuttingDown = false

    public init(
        claims: ClaimService, store: any SupervisedProcessStore, activity: ActivityLog, settings: StackSettings = StackSettings(),
        processes: any ProcessProber = SystemProcessProber(), clock: any WallClock = SystemWallClock(),
        namedURL: @escaping @Sendable (Identity) -> String? = { _ in nil }, domains: [String] = [HostNames.localhostDomain]
    ) {
        self.domains = domains
        self.claims = claims
        self.store = store
        self.activity = activity
        self.settings = settings
        self.processes = processes
        self.clock = clock
        self.namedURL = namedURL
    }

    /// Reads and validates `<root>/.portdaddyrc`, failing as the daemon's errors do.
    public static func loadConfig(root: String) throws(PortDaddyError) -> StackConfig {
        do { return try StackConfig.load(root: root) } catch { throw .invalidStackConfig(path: error.path, problems: error.problems) }
    }

    // MARK: - Queries

    public func list() -> [StackInfo] {
        stacks.keys.sorted().compactMap { stacks[$0]?.info(namedURL: namedURL) }
    }

    public func info(_ key: String) throws(PortDaddyError) -> StackInfo {
        try stack(key).info(namedURL: namedURL)
    }

    public func feed(_ key: String) throws(PortDaddyError) -> StackFeed {
        try stack(key).feed
    }

    func stack(_ key: String) throws(PortDaddyError) -> StackRun {
        guard let run = stacks[key] else { throw .notFound("no stack \(key) is running (pd ps --all lists them)") }
        return run
    }

    // MARK: - Up

    /// Starts the requested services (all when empty) and what they need; returns at once unless `wait`, in
    /// which case it returns when every one of them is ready or one has failed (then it throws `stackFailed`).
    public func up(_ request: StackUpRequest, wait: Bool) async throws(PortDaddyError) -> StackInfo {
        let config = try Self.loadConfig(root: request.root)
        if let context = request.context, WorktreeContext.sanitize(context) != context {
            throw .invalidRequest("context \"\(context)\" must be lower case a-z, 0-9 and '-'")
        }
        let key = StackConfig.key(project: config.project, context: request.context)
        if let existing = stacks[key], existing.root != request.root { throw .stackConflict(key: key, root: existing.root) }
        if shuttingDown { throw .stackBusy("the daemon is shutting down") }
        if let existing = stacks[key], existing.removing { throw .stackBusy("stack \(key) is being stopped; run pd up again once it has stopped") }
        for name in request.services where config.services[name] == nil {
            throw .invalidRequest(
                "\(name) is not a service of \(config.project) (services: \(config.services.keys.sorted().joined(separator: ", ")))")
        }
        let targets = Self.closure(of: request.services.isEmpty ? Array(config.services.keys) : request.services, in: config)
        let (identities, ports, messages) = try claimPorts(config, context: request.context)
        let environment = StackEnvironment(stackKey: key, identities: identities, ports: ports, namedURL: namedURL, domains: domains)
        let stack: StackRun
        if let existing = stacks[key] {
            stack = existing
            let previous = stack.identities
            stack.config = config
            stack.inherited = request.environment
            stack.noHealth = request.noHealth
            stack.environment = environment
            stack.identities = identities
            await reconcile(stack, with: config, previousIdentities: previous)
        } else {
            stack = StackRun(
                key: key, project: config.project, context: request.context, root: request.root, config: config,
                inherited: request.environment, noHealth: request.noHealth, environment: environment, feed: StackFeed(clock: clock, pulse: pulse))
            stack.identities = identities
            stacks[key] = stack
            activity.record(.stackUp, subject: key, detail: request.root)
        }
        for message in messages { stack.feed.append(kind: "log", service: "pd", stream: "out", text: message) }
        for name in targets.sorted() {
            let service = config.services[name]!
            // Running services keep running, and a completed task is not run again (pd restart <task> does).
            if let run = stack.services[name], run.stopping {
                throw .stackBusy("\(name) of \(key) is being stopped; run pd up again once it has stopped")
            }
            if let run = stack.services[name], run.state.isActive || run.state == .completed {
                run.config = service
                continue
            }
            let run = ServiceRun(config: service, identity: identities[name]!, port: ports[name])
            stack.services[name] = run
            run.task = Task { await self.supervise(key, name, run) }
        }
        stack.changed()
        if wait {
            try await waitUntilSettled(stack, targets: targets)
        }
        return stack.info(namedURL: namedURL)
    }

    /// Brings a running stack in line with its edited config: a service the config no longer names is stopped (its
    /// whole process tree) and its port released, so nothing keeps running unseen; ports claimed for services
    /// that were removed before they ever started are released too.
    func reconcile(_ stack: StackRun, with config: StackConfig, previousIdentities: [String: Identity]) async {
        let removed = stack.services.keys.filter { config.services[$0] == nil }.sorted()
        let key = stack.key
        if !removed.isEmpty {
            await withTaskGroup(of: Void.self) { group in
                for name in removed {
                    guard let run = stack.services[name] else { continue }
                    run.stopping = true
                    stack.feed.append(kind: "log", service: "pd", stream: "out", text: "\(name): no longer in .portdaddyrc; stopping it")
                    let which = ObjectIdentifier(run)
                    group.addTask { await self.stop(key, name, which) }
                }
            }
            for name in removed { stack.services[name] = nil }
        }
        for (name, identity) in previousIdentities where config.services[name]?.noPort ?? true {
            _ = try? claims.releaseUnrecorded(identity.description)
        }
        stack.changed()
    }

    /// `names` and every service they need, transitively.
    static func closure(of names: [String], in config: StackConfig) -> Set<String> {
        var result = Set<String>()
        var queue = names
        while let next = queue.popLast() {
            guard result.insert(next).inserted else { continue }
            queue += config.services[next]?.needs ?? []
        }
        return result
    }

    /// Claims (or re-claims) a port for every service that has one, owned by the daemon so it lives as long
    /// as the daemon or until `down` releases it.
    func claimPorts(_ config: StackConfig, context: String?, owner: Int32? = nil) throws(PortDaddyError) -> (
        [String: Identity], [String: Int], [String]
    ) {
        var identities: [String: Identity] = [:]
        var ports: [String: Int] = [:]
        var messages: [String] = []
        for (name, service) in config.services {
            let raw = [config.project, name] + (context.map { [$0] } ?? [])
            let identity: Identity
            do { identity = try Identity(parsing: raw.joined(separator: ":")) } catch { throw .invalidIdentity(error.description) }
            identities[name] = identity
            guard !service.noPort else { continue }
            let outcome = try claims.claimUnrecorded(ClaimCommand(identity: identity, port: service.port, fallback: true, pid: owner ?? getpid()))
            ports[name] = outcome.claim.port
            if let wanted = service.port, wanted != outcome.claim.port {
                messages.append("\(name): preferred port \(wanted) is taken (\(outcome.message)); using \(outcome.claim.port)")
            }
        }
        return (identities, ports, messages)
    }

    /// Waits until every target is ready, or throws when one of them can no longer get there.
    func waitUntilSettled(_ stack: StackRun, targets: Set<String>) async throws(PortDaddyError) {
        while true {
            var pending = false
            for name in targets.sorted() {
                guard let run = stack.services[name] else { continue }
                switch run.state {
                case .ready, .completed: continue
                case .blocked, .exited, .stopped, .stopping:
                    throw .stackFailed(key: stack.key, why: "\(name) \(run.state.rawValue)" + (run.detail.map { ": \($0)" } ?? ""))
                case .unhealthy where run.readyAt == nil:
                    throw .stackFailed(key: stack.key, why: "\(name) is unhealthy" + (run.detail.map { ": \($0)" } ?? ""))
                default: pending = true
                }
            }
            if !pending { return }
            await nextChange(in: stack, timeout: nil)
        }
    }

    /// Suspends until something in `stack` changes (or `timeout` passes: that wakes this waiter only).
    func nextChange(in stack: StackRun, timeout: Duration?) async {
        let id = stack.nextWaiter
        stack.nextWaiter += 1
        var timer: Task<Void, Never>?
        if let timeout {
            timer = Task { [weak stack] in
                do { try await Task.sleep(for: timeout) } catch { return }
                self.wakeWaiter(stack, id)
            }
        }
        await withCheckedContinuation { stack.waiters[id] = $0 }
        timer?.cancel()
    }

    func wakeWaiter(_ stack: StackRun?, _ id: Int) {
        stack?.wake(id)
    }

    // MARK: - Down, restart

    /// Stops the named services (all when empty) in reverse dependency order and releases their ports; a stack
    /// with nothing left running is removed. Works on the runs it found: a service started again meanwhile (it
    /// cannot be while the whole stack is being removed) is left alone. A second full `down` waits for the first.
    public func down(_ key: String, services names: [String] = []) async throws(PortDaddyError) -> StackInfo {
        let stack = try stack(key)
        for name in names where stack.config.services[name] == nil { throw .invalidRequest("\(name) is not a service of \(stack.project)") }
        if stack.removing {
            while stacks[key] === stack { await nextChange(in: stack, timeout: .milliseconds(200)) }
            return stack.info(namedURL: namedURL)
        }
        let chosen = Set(names)
        let targets = stack.orderedServices.filter { names.isEmpty || chosen.contains($0.0) }
        if names.isEmpty { stack.removing = true }
        for (_, run) in targets { run.stopping = true }
        stack.changed()
        let levels = stack.config.startOrder
        let unordered = Set(targets.map(\.0)).subtracting(levels.flatMap { $0 })
        for level in ([unordered] + levels.reversed().map(Set.init)) {
            let batch = targets.filter { level.contains($0.0) }
            await withTaskGroup(of: Void.self) { group in
                for (name, run) in batch {
                    let which = ObjectIdentifier(run)
                    group.addTask { await self.stop(key, name, which) }
                }
            }
        }
        for (name, run) in targets where stack.services[name] === run {
            if run.port != nil { _ = try? claims.releaseUnrecorded(run.identity.description) }
            stack.services[name] = nil
        }
        if names.isEmpty {
            // Ports claimed for services that were never started (pd up web claims its siblings' too).
            for identity in stack.identities.values { _ = try? claims.releaseUnrecorded(identity.description) }
        }
        // What this call stopped, in stop order (reverse start order).
        let info = stack.info(namedURL: namedURL, only: Array(targets.reversed()))
        if stack.services.isEmpty && stacks[key] === stack {
            stacks[key] = nil
            stack.feed.append(kind: "state", service: "pd", stream: "stopped", text: "stack \(key) stopped")
            stack.feed.finish()
            activity.record(.stackDown, subject: key)
        }
        stack.changed()
        return info
    }

    /// Stops one run (the one `which` names, if it is still this service's) and waits for its supervision to end.
    func stop(_ key: String, _ name: String, _ which: ObjectIdentifier) async {
        guard let stack = stacks[key], let run = stack.services[name], ObjectIdentifier(run) == which else { return }
        run.stopping = true
        if let pid = run.pid {
            set(run, .stopping, in: stack, name, log: "stopping (SIGTERM to process group \(pid))")
            await ProcessTerminator.terminate(group: pid, stragglers: [], grace: settings.stopGrace)
        }
        run.probe.kill()
        stack.changed()
        await run.task?.value
        if run.state != .stopped { set(run, .stopped, in: stack, name, log: nil) }
        activity.record(.serviceStop, subject: run.identity.description)
    }

    /// Restarts services (all when empty): running ones are stopped and started again at once, one waiting out
    /// a restart backoff starts now, stopped or failed ones are started. With `actor` (e.g. `dashboard`), each
    /// named service's restart is recorded as asked by it.
    public func restart(_ key: String, services names: [String], by actor: String? = nil) async throws(PortDaddyError) -> StackInfo {
        let stack = try stack(key)
        if shuttingDown { throw .stackBusy("the daemon is shutting down") }
        if stack.removing { throw .stackBusy("stack \(key) is being stopped") }
        for name in names where stack.services[name] == nil { throw .invalidRequest("\(name) is not a running service of \(stack.key)") }
        let chosen = names.isEmpty ? stack.services.keys.sorted() : names
        for name in chosen where stack.services[name]?.stopping == true { throw .stackBusy("\(name) of \(key) is being stopped") }
        for name in chosen {
            guard let run = stack.services[name] else { continue }
            if let pid = run.pid, run.state.isActive {
                run.restartRequested = true
                stack.feed.append(kind: "log", service: "pd", stream: "out", text: "\(name): restarting on request")
                await ProcessTerminator.terminate(group: pid, stragglers: [], grace: settings.stopGrace)
            } else if run.state == .restarting {
                run.skipBackoff = true
            } else if !run.state.isActive {
                let fresh = ServiceRun(config: run.config, identity: run.identity, port: run.port)
                fresh.restarts = run.restarts + 1
                stack.services[name] = fresh
                fresh.task = Task { await self.supervise(key, name, fresh) }
            }
        }
        stack.changed()
        if let actor {
            for name in names {
                activity.record(.serviceRestart, actor: actor, subject: "\(key)/\(name)", detail: "restart asked from the \(actor)")
            }
        }
        return stack.info(namedURL: namedURL)
    }

    /// Stops every stack (the daemon is shutting down) and refuses new ones meanwhile.
    public func stopAll() async {
        shuttingDown = true
        for _ in 0..<100 {
            guard let key = stacks.keys.sorted().first else { return }
            _ = try? await down(key)
        }
    }

    /// The environment bundle of the project at `root`: the running stack's, or with ports claimed for `owner`
    /// (nil: the daemon) when it is not running.
    public func environment(root: String, context: String?, owner: Int32? = nil) throws(PortDaddyError) -> StackEnvResponse {
        let config = try Self.loadConfig(root: root)
        let key = StackConfig.key(project: config.project, context: context)
        if let running = stacks[key], running.root == root {
            return StackEnvResponse(stack: key, shared: running.environment.shared, services: running.environment.own)
        }
        let (identities, ports, _) = try claimPorts(config, context: context, owner: owner)
        let env = StackEnvironment(stackKey: key, identities: identities, ports: ports, namedURL: namedURL, domains: domains)
        return StackEnvResponse(stack: key, shared: env.shared, services: env.own)
    }
}
