import PortDaddyAPI

/// "What should I know?": recent activity, notes, salvage, agents and runs in one view (`pd look`), and the
/// briefing an agent reads before it starts (`pd briefing`). Read-only; the runs and stacks come from their own
/// supervisors through the snapshots given at construction.
public final class Situation: Sendable {
    let coordination: CoordinationService
    let locks: LockService
    let activity: ActivityLog
    let changelog: Changelog
    let tuples: TupleSpace
    let pheromones: PheromoneService
    let clock: any WallClock
    let runs: @Sendable () async -> [RunInfo]
    let stacks: @Sendable () async -> [String]

    public init(
        coordination: CoordinationService, locks: LockService, activity: ActivityLog, changelog: Changelog, memory: MemoryServices,
        clock: any WallClock = SystemWallClock(), runs: @escaping @Sendable () async -> [RunInfo], stacks: @escaping @Sendable () async -> [String]
    ) {
        self.coordination = coordination
        self.locks = locks
        self.activity = activity
        self.changelog = changelog
        self.tuples = memory.tuples
        self.pheromones = memory.pheromones
        self.clock = clock
        self.runs = runs
        self.stacks = stacks
    }

    /// How many hot files `look --heat` and the briefing list.
    public static let hotFileCount = 10

    /// The view since `sinceSeconds` ago (of one project when given), with the hottest files when `heat`.
    public func look(sinceSeconds: Double, project: String?, heat: Bool = false) async throws(PortDaddyError) -> LookResponse {
        let since = clock.nowMillis() - Int64(sinceSeconds * 1000)
        let project = project?.lowercased()
        let agents = try coordination.agents().filter { $0.state == "alive" || $0.state == "stale" }.filter { Self.in(project, $0.identity) }
        let events = try activity.list(since: since, type: nil, limit: 500).filter {
            project == nil || Self.in(project, $0.subject) || Self.in(project, $0.detail)
        }
        let notes = try recentNotes(since: since, project: project)
        let salvage = try coordination.salvage(project: project, all: false)
        let runs = await self.runs().filter { !$0.state.isFinal || ($0.endedAt ?? 0) >= since }.filter { Self.in(project, $0.identity) }
        let summary = [
            Self.count(agents.count, "agent") + " live", Self.count(notes.count, "note"), "\(salvage.count) salvage waiting",
            Self.count(runs.filter { !$0.state.isFinal }.count, "run"),
            Self.count(events.count, "event") + " in " + Self.span(sinceSeconds),
        ].joined(separator: " · ")
        return LookResponse(
            summary: summary, since: since, agents: agents, activity: events, notes: notes, salvage: salvage, runs: runs,
            heat: heat ? try hotFiles(project: project) : nil)
    }

    /// Everything live about the project (or every project): agents, sessions with their notes, file claims, locks,
    /// stacks, runs, salvage, integration signals and the recent changelog.
    public func briefing(project: String?) async throws(PortDaddyError) -> BriefingResponse {
        let project = project?.lowercased()
        let agents = try coordination.agents().filter { $0.state == "alive" || $0.state == "stale" }.filter { Self.in(project, $0.identity) }
        let ids = Set(agents.map(\.id))
        let sessions = try coordination.sessions(agent: nil, includeEnded: false).filter {
            Self.in(project, $0.identity) || ids.contains($0.agentID)
        }
        let sessionIDs = Set(sessions.map(\.id))
        let files = try coordination.files().filter { project == nil || sessionIDs.contains($0.sessionID) }
        let held = locks.list().map { LockInfo($0.lock, waiters: $0.waiters) }.filter {
            project == nil || Self.in(project, $0.name) || ids.contains($0.owner)
        }
        let stacks = await self.stacks().filter { Self.in(project, $0) }
        let runs = await self.runs().filter { !$0.state.isFinal }.filter { Self.in(project, $0.identity) }
        let salvage = try coordination.salvage(project: project, all: false)
        let signals = try coordination.integrations().map(IntegrationSignal.init).filter { Self.in(project, $0.identity) }
        let changes = try changelog.entries(matching: project, since: nil, limit: 20)
        // Pins are `["note", agent, session, text]`: a project's are those of its agents and sessions.
        let pinned = try tuples.scan(harbor: nil, limit: 1000).filter { tuple in
            guard tuple.tuple.count == 4, tuple.tuple[0] == .string("note") else { return false }
            guard project != nil else { return true }
            if case .string(let agent) = tuple.tuple[1], ids.contains(agent) { return true }
            if case .string(let session) = tuple.tuple[2], sessionIDs.contains(session) { return true }
            return false
        }
        return BriefingResponse(
            project: project, generatedAt: clock.nowMillis(), agents: agents, sessions: sessions, files: files, locks: held, stacks: stacks,
            runs: runs, salvage: salvage, integration: signals, changelog: changes, pinned: Array(pinned.suffix(50)),
            hotFiles: try hotFiles(project: project))
    }

    /// The hottest files; of one project, those its sessions hold or that lie under a folder named like it.
    func hotFiles(project: String?) throws(PortDaddyError) -> [FileHeat] {
        let claims = try coordination.files()
        let all = try pheromones.hottestFiles(limit: project == nil ? Self.hotFileCount : 500, harbor: nil, claims: claims)
        guard let project else { return all }
        let held = Set(
            try coordination.sessions(agent: nil, includeEnded: false).filter { Self.in(project, $0.identity) }.flatMap(\.files))
        return Array(all.filter { held.contains($0.path) || $0.path.lowercased().contains("/\(project)/") }.prefix(Self.hotFileCount))
    }

    /// Notes written since `since`, newest first, with their agent.
    func recentNotes(since: Int64, project: String?) throws(PortDaddyError) -> [AgentNote] {
        let agents = Dictionary(try coordination.agents().map { ($0.id, $0.identity) }, uniquingKeysWith: { a, _ in a })
        var notes: [AgentNote] = []
        for session in try coordination.sessions(agent: nil, includeEnded: true) where session.endedAt.map({ $0 >= since }) ?? true {
            let identity = session.identity ?? agents[session.agentID] ?? nil
            guard Self.in(project, identity) else { continue }
            for note in session.notes where note.at >= since {
                notes.append(AgentNote(agentID: session.agentID, identity: identity, note: note))
            }
        }
        return notes.sorted { $0.note.at > $1.note.at }
    }

    /// Whether `text` (an identity, a lock or stack name) belongs to `project` (nil: every project).
    static func `in`(_ project: String?, _ text: String?) -> Bool {
        guard let project else { return true }
        guard let text = text?.lowercased() else { return false }
        return text == project || text.hasPrefix(project + ":")
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    static func span(_ seconds: Double) -> String {
        if seconds >= 86400, seconds.truncatingRemainder(dividingBy: 86400) == 0 { return "\(Int(seconds / 86400))d" }
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        if seconds >= 60 { return "\(Int(seconds / 60))m" }
        return "\(Int(seconds))s"
    }
}
