import PortDaddyAPI

/// `pd advise` / `pd preflight`: what an agent should know before it touches one file, as ten checks in a fixed
/// order, each with the facts it saw and the `pd` command that acts on it. Deterministic: the same state gives the
/// same checks, byte for byte (no relative times, sorted lists, heat rounded to two decimals).
public final class Advisor: Sendable {
    /// What the caller asks about. The CLI resolves the path and reads the file; the daemon never does.
    public struct Query: Sendable {
        /// The file, absolute (the CLI made it so).
        public var path: String
        public var agent: String?
        /// What the agent is about to do (used in the suggested `pd begin`).
        public var task: String?
        /// The project of the repository the path is in (its `.portdaddyrc` name or folder), as the CLI found it.
        public var project: String?
        /// SHA-256 of the file's bytes now, as the CLI read them (for `freshness`).
        public var hash: String?
        /// The repository key (`git rev-parse --git-common-dir`) for declared channels.
        public var repo: String?
        /// Include the `tuples` check (`pd preflight`, `--tuples`).
        public var tuples: Bool

        public init(
            path: String, agent: String?, task: String? = nil, project: String? = nil, hash: String? = nil, repo: String? = nil,
            tuples: Bool = false
        ) {
            self.path = path
            self.agent = agent
            self.task = task
            self.project = project
            self.hash = hash
            self.repo = repo
            self.tuples = tuples
        }
    }

    /// Heat at or above this warns.
    public static let hotFile = 0.5

    let coordination: CoordinationService
    let tuples: TupleSpace
    let pheromones: PheromoneService
    let clock: any WallClock
    /// The logical channel names declared for a repository key.
    let declaredChannels: @Sendable (String) -> [String]

    public init(
        coordination: CoordinationService, tuples: TupleSpace, pheromones: PheromoneService, clock: any WallClock = SystemWallClock(),
        declaredChannels: @escaping @Sendable (String) -> [String] = { _ in [] }
    ) {
        self.coordination = coordination
        self.tuples = tuples
        self.pheromones = pheromones
        self.clock = clock
        self.declaredChannels = declaredChannels
    }

    /// Runs the checks; the verdict is `blocked` when one blocks, `caution` when one warns, else `clear`.
    public func advise(_ query: Query) throws(PortDaddyError) -> AdviseResponse {
        let path = try CoordinationService.validatedPath(query.path)
        var facts = try AdviceFacts(query: query, path: path, coordination: coordination)
        let trails = try pheromones.sniff(kind: PheromoneKind.file.rawValue, id: path, harbor: nil)
        facts.heat = trails.total
        facts.trails = Dictionary(trails.keys.map { ($0.key, $0.value) }, uniquingKeysWith: +)
        if query.tuples { facts.tuples = try tuples.scan(harbor: nil, limit: 1000).filter { Self.mentions($0.tuple, path) } }
        facts.channels = query.repo.map(declaredChannels)?.sorted() ?? []
        let checks = AdviceChecks.all(facts)
        let verdict: AdviseResponse.Verdict =
            checks.contains { $0.status == .block } ? .blocked : checks.contains { $0.status == .warn } ? .caution : .clear
        return AdviseResponse(path: path, verdict: verdict, checks: checks, generatedAt: clock.nowMillis())
    }

    /// Whether one of the tuple's string elements contains the path.
    static func mentions(_ tuple: [JSONValue], _ path: String) -> Bool {
        tuple.contains { if case .string(let text) = $0 { text.contains(path) } else { false } }
    }
}

/// Everything the checks look at, read once.
struct AdviceFacts: Sendable {
    var query: Advisor.Query
    var path: String
    var session: SessionInfo?
    /// Claims on the path (or a region of it) by other live sessions.
    var foreign: [FileClaimInfo]
    /// The caller's own claims on the path.
    var own: [FileClaimInfo]
    /// Waiting salvage whose sessions held the path.
    var salvage: [SalvageInfo]
    var channels: [String] = []
    var tuples: [TupleInfo] = []
    var heat: Double = 0
    /// The file's trails by key (contention, interest, said…), decayed to now.
    var trails: [String: Double] = [:]

    init(query: Advisor.Query, path: String, coordination: CoordinationService) throws(PortDaddyError) {
        self.query = query
        self.path = path
        session = try query.agent.flatMap { agent throws(PortDaddyError) in try coordination.whoami(agent).1 }
        foreign = try coordination.conflicts(agent: query.agent, paths: [path]).sorted { ($0.claimedAt, $0.agentID) < ($1.claimedAt, $1.agentID) }
        let mine = session?.id
        own = try coordination.files().filter { $0.path == path && $0.sessionID == mine }
        salvage = try coordination.salvage(project: nil, all: false).filter { entry in
            entry.sessions.contains { $0.files.contains(path) }
        }.sorted { $0.agentID < $1.agentID }
    }
}
