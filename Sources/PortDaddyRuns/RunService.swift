import Foundation
import PortDaddyAPI
import PortDaddyCore
import PortDaddyStacks
import PortDaddySystem

/// The agent launcher: starts agent runs as supervised process trees with coordination built in (an agent
/// registered, a session begun, the daemon's socket in their environment), follows their output and usage, enforces
/// budgets and timeouts, kills whole trees, and ends each run in exactly one final state — a clean exit closes the
/// session with a handoff note; anything else sends the session to salvage.
public actor RunService {
    let store: any RunStore & SupervisedProcessStore & SortieStore
    let coordination: CoordinationService
    let activity: ActivityLog?
    let settings: RunSettings
    let clock: any WallClock
    let prober: any ProcessProber
    /// Where run and sortie outcomes are remembered.
    let episodes: Episodes?
    /// Project wallets: budgets reserved and bonds escrowed at launch, settled at the end.
    let wallets: WalletService?
    /// The panic switch: when it fired, nothing spawns.
    let panic: PanicSwitch?
    /// Publishes a budget message (`budget:pending`) on a channel.
    let announce: (@Sendable (_ channel: String, _ message: String) -> Void)?
    /// Runs over their project's allowance, waiting on the user (raise, kill, grace) until their deadline.
    var pendingKills: [String: PendingKill] = [:]
    /// Where launches become `spawned` edges (sortie → run → agent).
    let graph: GraphRecorder?
    var rates: RateTable
    var live: [String: LiveRun] = [:]
    /// Feeds of recently ended runs, so a follower that arrives late still sees the whole run.
    var endedFeeds: [(id: String, feed: StackFeed)] = []
    var shuttingDown = false
    /// Followers of sorties' logs waiting for the next entry.
    var sortieWaiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    /// Beats on every line a run's feed gets (output, usage, state), so the dashboard knows when to look again.
    public nonisolated let pulse = StackPulse()

    /// How many ended runs keep their feed in memory.
    static let endedFeedsKept = 32

    public init(
        store: any RunStore & SupervisedProcessStore & SortieStore, coordination: CoordinationService, activity: ActivityLog?, settings: RunSettings,
        clock: any WallClock = SystemWallClock(), prober: any ProcessProber = SystemProcessProber(), episodes: Episodes? = nil,
        graph: GraphRecorder? = nil, wallets: WalletService? = nil, panic: PanicSwitch? = nil,
        announce: (@Sendable (_ channel: String, _ message: String) -> Void)? = nil
    ) {
        self.episodes = episodes
        self.wallets = wallets
        self.panic = panic
        self.announce = announce
        self.graph = graph
        self.store = store
        self.coordination = coordination
        self.activity = activity
        self.settings = settings
        self.clock = clock
        self.prober = prober
        self.rates = (try? RateTable.load(overrides: settings.ratesPath)) ?? .builtin
    }

    // MARK: reading

    /// Runs, newest first: the live ones and those of the last day (`all`: everything kept), optionally of one project.
    public func runs(all: Bool, project: String?) throws(PortDaddyError) -> [RunInfo] {
        let since = all ? nil : clock.nowMillis() - 86_400_000
        var byID: [String: RunInfo] = [:]
        for run in try store.runs(since: since, limit: 1000) { byID[run.id] = run }
        for run in live.values { byID[run.info.id] = Self.public(run.info) }
        let project = project?.lowercased()
        return byID.values
            .filter { project == nil || $0.identity?.split(separator: ":").first.map(String.init) == project }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }

    /// One run (by run id, or by its agent's id); with `full`, its task and result too.
    public func run(_ key: String, full: Bool) throws(PortDaddyError) -> RunInfo {
        let id = try resolve(key)
        if let run = live[id] { return full ? run.info : Self.public(run.info) }
        guard let stored = try store.run(id) else { throw .notFound("no run \(key); pd spawned --all lists them") }
        return full ? stored : Self.public(stored)
    }

    /// The last `count` lines of a run's output.
    public func logs(_ key: String, count: Int) throws(PortDaddyError) -> [String] {
        let id = try resolve(key)
        if let run = live[id] {
            return run.feed.lines(service: nil, limit: count).filter { $0.kind == "output" }.map(\.text)
        }
        guard try store.run(id) != nil else { throw .notFound("no run \(key)") }
        return RunLogFile.tail(directory: settings.logDirectory, runID: id, count: count)
    }

    /// A run's feed (output, usage, state, end) to follow; for a run that ended long ago, nil (its record says how).
    public func feed(_ key: String) throws(PortDaddyError) -> (RunInfo, StackFeed?) {
        let id = try resolve(key)
        if let run = live[id] { return (Self.public(run.info), run.feed) }
        guard let stored = try store.run(id) else { throw .notFound("no run \(key)") }
        return (Self.public(stored), endedFeeds.first { $0.id == id }?.feed)
    }

    /// The backends, their models and rates, and whether each can start here.
    public func backends(pathVariable: String?) -> [BackendInfo] {
        Backend.allCases.map { backend in
            let available: Bool
            switch backend.kind {
            case .cli:
                available =
                    backend.executableName.map { (try? ChildLauncher.resolve($0, directory: "/", pathVariable: pathVariable)) != nil } ?? false
            case .http: available = settings.llmProgram != nil
            case .custom: available = true
            }
            return BackendInfo(
                name: backend.rawValue, kind: backend.kind.rawValue, available: available, telemetry: backend.telemetry,
                models: rates.models(for: backend))
        }
    }

    /// The run id for a run id or an agent id.
    func resolve(_ key: String) throws(PortDaddyError) -> String {
        if live[key] != nil || key.hasPrefix("run-") { return key }
        if let run = live.values.first(where: { $0.info.agentID == key }) { return run.info.id }
        if let run = try store.runs(since: nil, limit: 1000).first(where: { $0.agentID == key }) { return run.id }
        throw .notFound("no run \(key); pd spawned --all lists them")
    }

    /// What everyone may see of a run: no task, no result.
    static func `public`(_ run: RunInfo) -> RunInfo {
        var run = run
        run.task = nil
        run.result = nil
        return run
    }
}
