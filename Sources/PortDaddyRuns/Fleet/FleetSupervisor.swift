import Foundation
import PortDaddyAPI
import PortDaddyCore
import PortDaddyFleetConfig
import PortDaddyStackConfig
import PortDaddySystem

/// Runs the fleets the user started: each agent wakes on messages of its trigger channel (read through a durable
/// consumer cursor, so nothing published while it was busy or the daemon was down is lost) or on its cron schedule,
/// within the fleet's limits, and launches through the run supervisor (so wallets, bonds, the budget guard and panic
/// apply). Lifecycle events go to channel `fleet:events`; `on_success` / `on_failure` publish and so chain agents.
public actor FleetSupervisor {
    /// One pending wake: the message that caused it (nil for a schedule), the ids it collapsed, its chain hop.
    struct Wake: Sendable {
        var message: ChannelMessageInfo?
        var collapsed: [Int64] = []
        var hop = 0
        var ids: [Int64] { collapsed + (message.map { [$0.id] } ?? []) }
    }

    struct AgentState {
        var spec: FleetConfig.Agent
        var queue: [Wake] = []
        var running: Set<String> = []
        var lastRun: String?
        var nextSchedule: Date?
        var rateLimited = false
        var dropped = 0
        /// The code of the last refused launch, while the wake waits (nil once one starts).
        var refused: String?
    }

    final class Fleet {
        let project: String
        let root: String
        let environment: [String: String]
        var config: FleetConfig
        /// SHA-256 of the file the running definition came from, and the problems of a newer invalid one.
        var fileHash: String?
        var problems: [String] = []
        var agents: [String: AgentState] = [:]
        var spawnTimes: [Int64] = []
        var tasks: [Task<Void, Never>] = []
        var subscriptions: [ChannelHub.Subscription] = []
        /// Set for a foreground fleet: the key of its follower, which keeps it alive.
        var attachToken: String?
        /// Followers of an attached fleet's events now.
        var followers = 0

        init(project: String, root: String, environment: [String: String], config: FleetConfig) {
            self.project = project
            self.root = root
            self.environment = environment
            self.config = config
        }
    }

    /// Chained publishes stop at this hop.
    public static let maxHops = 8
    /// The channel fleet events go to.
    public static let eventsChannel = FleetChannels.events

    let runs: RunService
    let channels: ChannelService
    let cursors: ConsumerCursors
    let wallets: WalletService?
    let store: (any FleetStore)?
    let clock: any WallClock
    var fleets: [String: Fleet] = [:]

    public init(
        runs: RunService, channels: ChannelService, cursors: ConsumerCursors, wallets: WalletService?, store: (any FleetStore)? = nil,
        clock: any WallClock = SystemWallClock()
    ) {
        self.store = store
        self.runs = runs
        self.channels = channels
        self.cursors = cursors
        self.wallets = wallets
        self.clock = clock
    }

    // MARK: starting and stopping

    /// Starts (or replaces) a project's fleet. A fleet whose project has neither a wallet budget nor a fleet budget is
    /// refused (`BUDGET_REQUIRED`): no budget, no spawn.
    /// An `attached` fleet belongs to a foreground `pd fleet up`: it stops when its follower goes away (or never comes).
    public func up(
        project: String, root: String, config: FleetConfig, environment: [String: String], attached: Bool = false
    ) throws(PortDaddyError) -> FleetInfo {
        let walletBudget = (try? wallets?.wallet(project))?.usdPerDay
        guard walletBudget != nil || config.limits.budgetUsdPerDayMicros != nil else {
            throw .budgetRequired(
                "fleet \(config.name) has no budget: set budget_usd_per_day in pd-fleet.yml or pd wallet budget \(project) --usd-per-day N")
        }
        down(project: project, reason: "replaced")
        let fleet = Fleet(project: project, root: root, environment: environment, config: config)
        fleet.fileHash = ContentHash.ofFile(atPath: root + "/" + FleetConfig.fileName)
        for agent in config.agents { fleet.agents[agent.name] = AgentState(spec: agent) }
        fleets[project] = fleet
        wallets?.setCeiling(config.limits.budgetUsdPerDayMicros, for: project)
        try start(fleet)
        event("fleet.started", project: project, detail: ["fleet": config.name, "agents": String(config.agents.count)])
        var answer = info(fleet)
        if attached {
            let token = Secret.hex(bytes: 16)
            fleet.attachToken = token
            answer.mode = "attached"
            answer.attachToken = token
            expectFollower(project, token: token)
        }
        return answer
    }

    /// Starts the listeners and schedules of the fleet's current definition.
    func start(_ fleet: Fleet) throws(PortDaddyError) {
        for agent in fleet.config.agents {
            if let trigger = Self.triggerChannel(fleet.project, agent) { try listen(fleet, agent: agent.name, trigger: trigger) }
            if agent.schedule != nil { schedule(fleet, agent: agent.name) }
        }
    }

    // MARK: hot reload

    /// Looks at every running fleet's file: a valid change becomes the new definition (running agents finish under
    /// the old one; queued wakes of agents that remain are kept), an invalid one leaves the old definition running
    /// and marks the fleet `invalid` with the problems, a deleted file stops the fleet.
    public func checkFiles() -> FleetReloadResponse {
        var result = FleetReloadResponse(reloaded: [], invalid: [], stopped: [])
        for fleet in fleets.values.sorted(by: { $0.project < $1.project }) {
            let path = fleet.root + "/" + FleetConfig.fileName
            guard FileManager.default.fileExists(atPath: path) else {
                down(project: fleet.project, reason: "file deleted")
                result.stopped.append(fleet.project)
                continue
            }
            let hash = ContentHash.ofFile(atPath: path)
            guard hash != fleet.fileHash else { continue }
            fleet.fileHash = hash
            let validation = FleetConfig.load(path: path)
            guard let config = validation.config else {
                fleet.problems = validation.errors.map(\.description)
                result.invalid.append(fleet.project)
                event("fleet.invalid", project: fleet.project, detail: ["problems": fleet.problems.joined(separator: "; ")])
                continue
            }
            reconfigure(fleet, config)
            result.reloaded.append(fleet.project)
        }
        return result
    }

    func reconfigure(_ fleet: Fleet, _ config: FleetConfig) {
        for task in fleet.tasks { task.cancel() }
        for subscription in fleet.subscriptions { subscription.cancel() }
        fleet.tasks = []
        fleet.subscriptions = []
        fleet.problems = []
        var agents: [String: AgentState] = [:]
        for agent in config.agents {
            var state = fleet.agents[agent.name] ?? AgentState(spec: agent)
            state.spec = agent
            agents[agent.name] = state
        }
        fleet.agents = agents
        fleet.config = config
        wallets?.setCeiling(config.limits.budgetUsdPerDayMicros, for: fleet.project)
        do { try start(fleet) } catch {
            fleet.problems = [error.description]
            event("fleet.invalid", project: fleet.project, detail: ["problems": error.description])
            return
        }
        event("fleet.reloaded", project: fleet.project, detail: ["fleet": config.name, "agents": String(config.agents.count)])
        pump(fleet)
    }

    /// Stops a project's fleet: no more wakes; its running agents are killed.
    @discardableResult
    public func down(project: String, reason: String = "down") -> Bool {
        guard let fleet = fleets.removeValue(forKey: project) else { return false }
        wallets?.setCeiling(nil, for: project)
        for task in fleet.tasks { task.cancel() }
        for subscription in fleet.subscriptions { subscription.cancel() }
        let running = fleet.agents.values.flatMap(\.running)
        Task { [runs] in for id in running { _ = try? await runs.kill(id, reason: "fleet-\(reason)") } }
        event("fleet.stopped", project: project, detail: ["reason": reason])
        return true
    }

    /// Starts the fleet and remembers it, so every later daemon start starts it again (from the same folder, with
    /// the daemon's environment and the `PATH` recorded now).
    public func enable(project: String, root: String, config: FleetConfig, environment: [String: String]) throws(PortDaddyError) -> FleetInfo {
        let fleet = try up(project: project, root: root, config: config, environment: environment)
        try store?.saveEnabledFleet(EnabledFleet(project: project, path: root, pathVariable: environment["PATH"], enabledAt: clock.nowMillis()))
        return fleet
    }

    /// Stops the fleet and forgets it; false when it was neither running nor enabled (an enabled fleet the daemon
    /// could not start, shown as `stopped`, is forgotten too).
    @discardableResult
    public func disable(project: String) throws(PortDaddyError) -> Bool {
        let wasEnabled = try store?.enabledFleets().contains { $0.project == project } ?? false
        try store?.deleteEnabledFleet(project: project)
        let wasRunning = down(project: project, reason: "disabled")
        return wasRunning || wasEnabled
    }

    /// At daemon start: starts every enabled fleet whose file is still valid; returns the problems of the others.
    public func restoreEnabled() -> [String] {
        var problems: [String] = []
        var base = ProcessInfo.processInfo.environment
        for enabled in (try? store?.enabledFleets()) ?? [] {
            let validation = FleetConfig.load(path: enabled.path + "/" + FleetConfig.fileName)
            guard let config = validation.config else {
                problems.append("\(enabled.project): " + validation.errors.map(\.description).joined(separator: "; "))
                continue
            }
            if let path = enabled.pathVariable { base["PATH"] = path }
            do {
                _ = try up(project: enabled.project, root: enabled.path, config: config, environment: base)
                catchUp(enabled.project, enabledAt: enabled.enabledAt)
            } catch {
                problems.append("\(enabled.project): \(error.description)")
            }
        }
        return problems
    }

    /// Every fleet, with its agents (`FleetSupervisor+Overview.swift`).
    public func status() -> [FleetInfo] { overview() }

    // MARK: wakes

    /// Reads the trigger's channel from the agent's cursor on, then follows it live.
    func listen(_ fleet: Fleet, agent: String, trigger: String) throws(PortDaddyError) {
        let pattern = try ChannelService.pattern(trigger)
        let consumer = Self.consumer(fleet.project, agent)
        let subscription = channels.hub.subscribe(pattern)
        fleet.subscriptions.append(subscription)
        // From the cursor on, skipping what is already queued (a reload keeps the queues of the agents that remain).
        let queued = fleet.agents[agent]?.queue.flatMap(\.ids).max() ?? 0
        let start = max((try? cursors.cursor(consumer: consumer, channel: trigger).lastID) ?? 0, queued)
        let backlog = (try? channels.history(pattern, after: start, limit: 1000)) ?? []
        let project = fleet.project
        fleet.tasks.append(
            Task { [weak self] in
                var seen = start
                for message in backlog {
                    seen = max(seen, message.id)
                    await self?.wake(project, agent: agent, message: message)
                }
                for await delivery in subscription.messages {
                    guard case .message(let message) = delivery else { continue }
                    subscription.written(message)
                    guard message.id > seen else { continue }
                    seen = message.id
                    await self?.wake(project, agent: agent, message: message)
                }
            })
    }

    /// Fires the agent's schedule, one wake per fire time (a wake already queued absorbs the next, as triggers do).
    func schedule(_ fleet: Fleet, agent: String) {
        let project = fleet.project
        fleet.tasks.append(
            Task { [weak self] in
                while !Task.isCancelled {
                    guard let self, let next = await self.nextFire(project, agent: agent) else { return }
                    let wait = next.timeIntervalSinceNow
                    if wait > 0 { try? await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
                    if Task.isCancelled { return }
                    await self.wake(project, agent: agent, message: nil)
                }
            })
    }

    func nextFire(_ project: String, agent: String) -> Date? {
        guard let fleet = fleets[project], var state = fleet.agents[agent], let schedule = state.spec.schedule else { return nil }
        let next = schedule.nextFire(after: Date())
        state.nextSchedule = next
        fleet.agents[agent] = state
        return next
    }

    /// Queues a wake: `collapse` merges it into the one waiting (the newest message wins, the others are counted),
    /// `fifo` keeps one per message up to `max_queue` (more are dropped, with an event).
    func wake(_ project: String, agent: String, message: ChannelMessageInfo?) {
        guard let fleet = fleets[project], var state = fleet.agents[agent] else { return }
        var wake = Wake(message: message)
        if let message, let hop = Self.hop(of: message) { wake.hop = hop }
        switch state.spec.queue {
        case .collapse:
            if var waiting = state.queue.first {
                waiting.collapsed = waiting.ids
                waiting.message = message ?? waiting.message
                waiting.hop = max(waiting.hop, wake.hop)
                state.queue = [waiting]
            } else {
                state.queue = [wake]
            }
        case .fifo:
            if state.queue.count >= (state.spec.maxQueue ?? 100) {
                state.dropped += 1
                fleet.agents[agent] = state
                event("agent.dropped", project: project, detail: ["agent": agent, "message": message.map { String($0.id) } ?? "schedule"])
                return
            }
            state.queue.append(wake)
        }
        fleet.agents[agent] = state
        event("agent.queued", project: project, detail: ["agent": agent, "queueDepth": String(Self.depth(state))])
        pump(fleet)
    }

    /// Starts every waiting wake the limits allow: one run at a time per agent, `max_concurrent_spawns` per fleet,
    /// `max_spawns_per_hour` in a sliding hour (over it the agent is `rate_limited` and its wake waits).
    func pump(_ fleet: Fleet) {
        let now = clock.nowMillis()
        fleet.spawnTimes.removeAll { $0 <= now - 3_600_000 }
        for name in fleet.config.agents.map(\.name) {
            guard var state = fleet.agents[name], !state.queue.isEmpty, state.running.isEmpty else { continue }
            let running = fleet.agents.values.reduce(0) { $0 + $1.running.count }
            if let limit = fleet.config.limits.maxConcurrentSpawns, running >= limit { return }
            if let perHour = fleet.config.limits.maxSpawnsPerHour, fleet.spawnTimes.count >= perHour {
                if !state.rateLimited {
                    state.rateLimited = true
                    fleet.agents[name] = state
                    event("agent.rate_limited", project: fleet.project, detail: ["agent": name])
                }
                retry(fleet.project, after: Double(fleet.spawnTimes.min().map { $0 + 3_600_000 - now } ?? 1000) / 1000)
                continue
            }
            state.rateLimited = false
            let wake = state.queue.removeFirst()
            fleet.agents[name] = state
            fleet.spawnTimes.append(now)
            launch(fleet, agent: name, wake: wake, at: now)
        }
    }

    func retry(_ project: String, after seconds: Double) {
        Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(max(0.2, seconds) * 1000)))
            await self?.pumpAgain(project)
        }
    }

    func pumpAgain(_ project: String) { if let fleet = fleets[project] { pump(fleet) } }

    // MARK: runs

    /// Launches one wake; `at` is the spawn time counted against `max_spawns_per_hour` (given back if refused).
    func launch(_ fleet: Fleet, agent name: String, wake: Wake, at: Int64) {
        guard var state = fleet.agents[name] else { return }
        let spec = state.spec
        let placeholder = "starting-" + Secret.hex(bytes: 3)
        state.running.insert(placeholder)
        fleet.agents[name] = state
        let request = spawnRequest(fleet, spec, wake)
        let project = fleet.project
        Task { [weak self, runs] in
            let result: Result<RunInfo, PortDaddyError>
            do throws(PortDaddyError) {
                guard let run = try await runs.spawn(request).run else { throw PortDaddyError.storage("the launch returned no run") }
                result = .success(run)
            } catch { result = .failure(error) }
            await self?.started(project, agent: name, wake: wake, placeholder: placeholder, at: at, result: result)
        }
    }

    func started(
        _ project: String, agent name: String, wake: Wake, placeholder: String, at: Int64, result: Result<RunInfo, PortDaddyError>
    ) {
        guard let fleet = fleets[project], var state = fleet.agents[name] else { return }
        state.running.remove(placeholder)
        switch result {
        case .failure(let error):
            // A refused launch is no spawn: it does not count against the hourly limit.
            if let index = fleet.spawnTimes.firstIndex(of: at) { fleet.spawnTimes.remove(at: index) }
            // Refused (budget, panic, limits): the wake waits and is tried again, so no trigger is lost.
            state.queue.insert(wake, at: 0)
            let repeated = state.refused == error.code.rawValue
            state.refused = error.code.rawValue
            fleet.agents[name] = state
            // Said once per reason: the quiet retries every 5 s do not flood fleet:events.
            if !repeated {
                event("agent.refused", project: project, detail: ["agent": name, "code": error.code.rawValue, "why": error.description])
            }
            retry(project, after: 5)
        case .success(let run):
            state.running.insert(run.id)
            state.lastRun = run.id
            state.refused = nil
            fleet.agents[name] = state
            advanceCursor(fleet, agent: name, wake: wake)
            event("agent.started", project: project, detail: ["agent": name, "run": run.id])
            Task { [weak self, runs] in
                let ended = await runs.waitForEnd(run.id)
                await self?.finished(project, agent: name, run: run.id, ended: ended, hop: wake.hop)
            }
        }
    }

    func finished(_ project: String, agent name: String, run: String, ended: RunInfo?, hop: Int) {
        guard let fleet = fleets[project], var state = fleet.agents[name] else { return }
        state.running.remove(run)
        fleet.agents[name] = state
        let outcome = ended?.state.rawValue ?? "ended"
        event(
            ended?.state == .succeeded ? "agent.succeeded" : ended?.state == .killed ? "agent.killed" : "agent.failed", project: project,
            detail: ["agent": name, "run": run, "state": outcome])
        let target = ended?.state == .succeeded ? state.spec.onSuccess : state.spec.onFailure
        if let target {
            if hop + 1 >= Self.maxHops {
                event("fleet.chain_limit", project: project, detail: ["agent": name, "channel": target])
            } else if let channel = try? ChannelService.name(target) {
                let body = Self.json(
                    ChainMessage(run: run, agent: name, state: outcome, result: String((ended?.result ?? "").prefix(4096)), hop: hop + 1))
                _ = try? channels.publish(to: channel, message: body, sender: "fleet:\(name)", signal: nil)
            }
        }
        pump(fleet)
    }

    // MARK: helpers

    func spawnRequest(_ fleet: Fleet, _ spec: FleetConfig.Agent, _ wake: Wake) -> SpawnRequest {
        let backend = spec.backend
        var request = SpawnRequest(
            backend: backend, model: spec.model, task: FleetPrompt.render(spec.prompt, fleet: fleet, agent: spec.name, wake: wake),
            budgetUsd: MoneyAmount(micros: spec.budgetMicros ?? 250_000).usd, workdir: fleet.root)
        request.identity = Self.identity(of: spec, in: fleet.project)
        request.name = spec.name
        request.timeoutSeconds = spec.timeoutSeconds
        request.env = fleet.environment
        if let program = BackendPrograms.names[backend] {
            request.executable = try? ChildLauncher.resolve(program, directory: fleet.root, pathVariable: fleet.environment["PATH"])
        }
        return request
    }

    func advanceCursor(_ fleet: Fleet, agent: String, wake: Wake) {
        guard let spec = fleet.agents[agent]?.spec, let trigger = Self.triggerChannel(fleet.project, spec), let last = wake.ids.max() else {
            return
        }
        _ = try? cursors.advance(consumer: Self.consumer(fleet.project, agent), channel: trigger, atLeastTo: last)
        // A body taking its actor's mail empties the actor's mailbox as far.
        if spec.trigger == FleetConfig.mailboxTrigger { _ = try? cursors.advance(consumer: trigger, channel: trigger, atLeastTo: last) }
    }

    func event(_ type: String, project: String, detail: [String: String]) {
        guard let channel = try? ChannelName(parsing: Self.eventsChannel) else { return }
        var body = detail
        body["type"] = type
        body["project"] = project
        _ = try? channels.publish(to: channel, message: Self.json(body), sender: "port-daddy", signal: nil)
    }

    func info(_ fleet: Fleet) -> FleetInfo {
        FleetInfo(
            project: fleet.project, name: fleet.config.name, path: fleet.root, state: fleet.problems.isEmpty ? "running" : "invalid",
            agents: fleet.config.agents.compactMap { agent in
                guard let state = fleet.agents[agent.name] else { return nil }
                var info = FleetAgentInfo(
                    name: agent.name, status: Self.status(state), queueDepth: Self.depth(state), lastRun: state.lastRun,
                    nextSchedule: state.nextSchedule.map { Int64($0.timeIntervalSince1970 * 1000) }, dropped: state.dropped)
                info.refused = state.queue.isEmpty ? nil : state.refused
                return info
            }, problems: fleet.problems.isEmpty ? nil : fleet.problems, mode: fleet.attachToken == nil ? "daemon" : "attached")
    }

    /// `running`, `budget_pending` (its wake waits on the budget), `rate_limited`, `queued` or `idle`.
    static func status(_ state: AgentState) -> String {
        if !state.running.isEmpty { return "running" }
        if state.rateLimited { return "rate_limited" }
        if state.queue.isEmpty { return "idle" }
        return Self.budgetCodes.contains(state.refused ?? "") ? "budget_pending" : "queued"
    }

    /// Refusals that wait on money (the user can raise the budget or top up).
    static let budgetCodes: Set<String> = [
        ErrorCode.budgetExceeded.rawValue, ErrorCode.budgetRequired.rawValue, ErrorCode.walletInsufficient.rawValue,
    ]

    static func depth(_ state: AgentState) -> Int { state.queue.reduce(0) { $0 + $1.ids.count + ($1.message == nil ? 1 : 0) } }
    static func consumer(_ project: String, _ agent: String) -> String { "fleet:\(project):\(agent)" }

    /// The hop count a chained message carries (`{"hop": n}` in its JSON body).
    static func hop(of message: ChannelMessageInfo) -> Int? {
        guard let data = message.message.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object["hop"] as? Int
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// What `on_success` / `on_failure` publish.
struct ChainMessage: Encodable {
    var run: String
    var agent: String
    var state: String
    var result: String
    var hop: Int
}
