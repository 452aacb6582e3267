import Hummingbird
import Logging
import PortDaddyAPI
import PortDaddyCluster
import PortDaddyCore
import PortDaddyRuns
import PortDaddyStackConfig
import PortDaddyStacks

/// The domain services of one daemon, built once from its configuration and shared by every route and service.
struct DaemonServices {
    let configuration: DaemonConfiguration
    let store: SQLiteStore
    let claims: ClaimService
    let locks: LockService
    let channels: ChannelService
    let cursors: ConsumerCursors
    let declarations: ChannelDeclarations
    let activity: ActivityLog
    let coordination: CoordinationService
    let inbox: Inbox
    let runtime: ServerRuntime
    let stacks: StackSupervisor
    let runs: RunService
    let changelog: Changelog
    let situation: Situation
    let memory: MemoryServices
    let metrics: RunMetrics
    let wallets: WalletService
    let panic: PanicSwitch
    let fleets: FleetSupervisor
    let snapshots: SnapshotWatcher
    let graph: CoordinationGraph
    let webhooks: WebhookService
    let arbiter: Arbiter
    /// Cluster mode: this node's membership (nil when the daemon runs alone).
    let cluster: Cluster?

    /// Opens the store and builds the services; stops the processes a killed daemon left running.
    static func build(_ configuration: DaemonConfiguration, userToken: String, logger: Logger) async throws -> DaemonServices {
        let env = configuration.environment
        let store = try SQLiteStore(path: env.databasePath, vault: TextVault(keyFile: env.masterKeyFile))
        if let problem = store.vault?.problem {
            logger.error("encrypted text cannot be read or written", metadata: ["problem": "\(problem)"])
        } else if try store.sealPlaintextRows() > 0 {
            // The plaintext those rows held may still be in the WAL: truncate it.
            try? store.checkpoint()
        }
        var settings = configuration.claims
        if configuration.tcpPort != 0 { settings.reserved.insert(configuration.tcpPort) }
        // The activity log first: the services record their own events in it.
        let activity = ActivityLog(store: store)
        // Webhook deliveries are written in the activity records' own transactions (the durable outbox).
        let webhooks = try WebhookService(store: store, backoffFactor: configuration.webhookBackoff)
        activity.attach(outbox: webhooks)
        let claims = try ClaimService(store: store, settings: settings, activity: activity)
        // Cluster mode: locks, channels and cursors live in PostgreSQL; a node that cannot join does not start.
        let cluster = try configuration.cluster.map { settings throws(PortDaddyError) in
            try Cluster.join(settings, httpPort: configuration.tcpPort, logger: logger)
        }
        let locks = try LockService(store: store, activity: activity, shared: cluster?.locks)
        let channels = ChannelService(
            store: cluster?.channelStore ?? store, maxMessages: configuration.channelMaxMessages,
            maxAgeSeconds: configuration.channelMaxAgeSeconds, deliversOnPublish: cluster == nil)
        let cursorStore: any CursorStore = cluster?.channelStore ?? store
        let memory = try MemoryServices(store: store, activity: activity, halfLife: configuration.pheromoneHalfLifeSeconds)
        let recorder = GraphRecorder(store: store)
        let coordination = CoordinationService(
            store: cluster?.coordinationStore ?? store, claims: claims, locks: locks, activity: activity,
            observer: MemoryObserver(pheromones: memory.pheromones, harbors: memory.harbors, episodes: memory.episodes, graph: recorder),
            nodes: cluster)
        let runtime = ServerRuntime(configuration: configuration, startedAt: SystemWallClock().nowMillis(), userToken: userToken)
        var stackSettings = StackSettings()
        stackSettings.stopGrace = .milliseconds(Int(configuration.stopGraceSeconds * 1000))
        stackSettings.monitorInterval = .milliseconds(Int(configuration.livenessIntervalSeconds * 1000))
        let stacks = StackSupervisor(
            claims: claims, store: store, activity: activity, settings: stackSettings,
            namedURL: { identity in runtime.proxyPort.map { HostNames.url(of: identity, proxyPort: $0) } },
            domains: [HostNames.localhostDomain] + (configuration.dnsPort != nil ? [configuration.dnsDomain] : []))
        let orphans = await stacks.reapOrphans()
        if !orphans.isEmpty { logger.warning("stopped processes a previous daemon left running", metadata: ["identities": "\(orphans)"]) }
        var runSettings = RunSettings(home: env.home, socketPath: env.socketPath, llmProgram: configuration.llmProgram)
        runSettings.maxRuns = configuration.maxRuns
        runSettings.stopGrace = stackSettings.stopGrace
        runSettings.budgetGrace = .milliseconds(Int(configuration.budgetGraceSeconds * 1000))
        let wallets = WalletService(store: store, activity: activity)
        let panic = PanicSwitch(store: store, windowSeconds: configuration.panicWindowSeconds, activity: activity)
        let runs = RunService(
            store: store, coordination: coordination, activity: activity, settings: runSettings, episodes: memory.episodes, graph: recorder,
            wallets: wallets, panic: panic,
            announce: { channel, message in
                guard let name = try? ChannelName(parsing: channel) else { return }
                _ = try? channels.publish(to: name, message: message, sender: "port-daddy", signal: nil)
            })
        let lost = await runs.recoverOrphans()
        if !lost.isEmpty { logger.warning("agent runs a previous daemon left running were stopped and marked lost", metadata: ["runs": "\(lost)"]) }
        let fleets = FleetSupervisor(runs: runs, channels: channels, cursors: ConsumerCursors(store: cursorStore), wallets: wallets, store: store)
        for problem in await fleets.restoreEnabled() { logger.warning("an enabled fleet did not start", metadata: ["problem": "\(problem)"]) }
        let arbiter = try Arbiter(
            store: store, coordination: coordination, activity: activity, graceSeconds: configuration.reapIntervalSeconds,
            announce: { message in
                guard let name = try? ChannelName(parsing: Arbiter.channel) else { return }
                _ = try? channels.publish(to: name, message: message, sender: "port-daddy", signal: nil)
            })
        coordination.watcher.attach(arbiter)
        memory.harbors.watcher.attach(arbiter)
        // The sweep at start: what a stopped daemon's database was left with (or edited into) is reported at once.
        for violation in try arbiter.sweep() {
            logger.warning("arbiter: invariant violated", metadata: ["invariant": "\(violation.invariant)", "detail": "\(violation.detail)"])
        }
        let changelog = Changelog(
            store: store, activity: activity, retentionSeconds: configuration.changelogMaxAgeSeconds, graph: recorder)
        let situation = Situation(
            coordination: coordination, locks: locks, activity: activity, changelog: changelog, memory: memory,
            runs: { (try? await runs.runs(all: false, project: nil)) ?? [] },
            stacks: { await stacks.list().map(\.key) })
        return DaemonServices(
            configuration: configuration, store: store, claims: claims, locks: locks, channels: channels,
            cursors: ConsumerCursors(store: cursorStore), declarations: ChannelDeclarations(store: store), activity: activity,
            coordination: coordination, inbox: Inbox(channels: channels, coordination: coordination), runtime: runtime, stacks: stacks,
            runs: runs, changelog: changelog, situation: situation, memory: memory, metrics: RunMetrics(store: store), wallets: wallets, panic: panic,
            fleets: fleets,
            snapshots: SnapshotWatcher(store: store, coordination: coordination, folder: env.home + "/snapshots", activity: activity),
            graph: CoordinationGraph(recorder: recorder, coordination: coordination, locks: locks, claims: claims), webhooks: webhooks,
            arbiter: arbiter, cluster: cluster)
    }
}

extension Daemon {
    /// Every controller's routes behind the error, security and agent middleware (the context then carries the
    /// caller's agent; the route groups that need the user's authority add it), built once for both listeners.
    static func buildRouter(_ core: DaemonServices, logger: Logger) -> Router<PDRequestContext> {
        let router = Router(context: PDRequestContext.self)
        router.add(middleware: ErrorMiddleware(logger: logger))
        router.add(middleware: SecurityMiddleware(runtime: core.runtime))
        router.add(middleware: AgentTouchMiddleware(coordination: core.coordination))
        router.add(
            SystemController(
                claims: core.claims, store: core.store, runtime: core.runtime, stacks: core.stacks, runs: core.runs, metrics: core.metrics,
                fleets: core.fleets),
            ClaimController(claims: core.claims, arbiter: core.arbiter),
            V1Controller(claims: core.claims),
            LockController(locks: core.locks, logger: logger, arbiter: core.arbiter),
            ChannelController(channels: core.channels),
            ChannelDeclarationController(declarations: core.declarations),
            CursorController(cursors: core.cursors),
            AgentController(coordination: core.coordination, userToken: core.runtime.userToken),
            SessionController(coordination: core.coordination, userToken: core.runtime.userToken, snapshots: core.snapshots),
            FileController(coordination: core.coordination, userToken: core.runtime.userToken, snapshots: core.snapshots),
            SnapshotController(store: core.store, watcher: core.snapshots, userToken: core.runtime.userToken),
            SalvageController(coordination: core.coordination, userToken: core.runtime.userToken),
            InboxController(inbox: core.inbox),
            IntegrationController(coordination: core.coordination),
            ActivityController(activity: core.activity),
            StackController(stacks: core.stacks, userToken: core.runtime.userToken),
            RunController(runs: core.runs, userToken: core.runtime.userToken),
            AwarenessController(
                changelog: core.changelog, situation: core.situation, coordination: core.coordination, episodes: core.memory.episodes,
                tiers: core.memory.tiers,
                sayer: SayService(
                    store: core.store, coordination: core.coordination, tuples: core.memory.tuples, pheromones: core.memory.pheromones,
                    channels: core.channels),
                advisor: Advisor(
                    coordination: core.coordination, tuples: core.memory.tuples, pheromones: core.memory.pheromones,
                    declaredChannels: { [declarations = core.declarations] repo in
                        ((try? declarations.list(repo: repo)) ?? []).map(\.logical)
                    }),
                userToken: core.runtime.userToken),
            HarborController(harbors: core.memory.harbors),
            TupleController(tuples: core.memory.tuples),
            PheromoneController(pheromones: core.memory.pheromones, coordination: core.coordination),
            MetricsController(metrics: core.metrics),
            WalletController(wallets: core.wallets, runs: core.runs, panic: core.panic, userToken: core.runtime.userToken),
            ActorController(fleets: core.fleets),
            FleetController(
                fleets: core.fleets, panic: core.panic, runs: core.runs, channels: core.channels, userToken: core.runtime.userToken),
            GraphController(graph: core.graph),
            WebhookController(webhooks: core.webhooks, userToken: core.runtime.userToken),
            KeyController(store: core.store, userToken: core.runtime.userToken),
            OpenAPIController(),
            ClusterController(cluster: core.cluster, userToken: core.runtime.userToken),
            ArbiterController(arbiter: core.arbiter, userToken: core.runtime.userToken),
            DashboardController(
                claims: core.claims, locks: core.locks, coordination: core.coordination, channels: core.channels, inbox: core.inbox,
                activity: core.activity, stacks: core.stacks, runs: core.runs, fleets: core.fleets, wallets: core.wallets, panic: core.panic,
                memory: core.memory, userToken: core.runtime.userToken))
        return router
    }
}
