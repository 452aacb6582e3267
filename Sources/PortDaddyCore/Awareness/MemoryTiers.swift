import PortDaddyAPI

/// The memory model: every construct the daemon keeps, in one of three tiers — **core** (what is true now),
/// **recall** (recent and retained), **archival** (history kept long) — with its retention and a live count.
public final class MemoryTiers: Sendable {
    /// What a count query binds.
    enum Bind: Sendable { case nothing, now, recent }

    /// One construct: its tier, retention, and the SQL that counts it.
    struct Construct: Sendable {
        var name: String
        var tier: String
        var retention: String
        var count: String
        var bind: Bind
    }

    /// The fixed table, in display order.
    static let constructs: [Construct] = [
        Construct(
            name: "live-agents", tier: "core", retention: "while alive", count: "SELECT COUNT(*) FROM agents WHERE state = 'active'", bind: .nothing),
        Construct(
            name: "active-sessions", tier: "core", retention: "until done", count: "SELECT COUNT(*) FROM sessions WHERE state = 'active'",
            bind: .nothing),
        Construct(
            name: "active-file-claims", tier: "core", retention: "until the session ends",
            count: "SELECT COUNT(*) FROM file_claims f JOIN sessions s ON s.id = f.session_id WHERE s.state = 'active'", bind: .nothing),
        Construct(name: "held-locks", tier: "core", retention: "until released or expired", count: "SELECT COUNT(*) FROM locks", bind: .nothing),
        Construct(name: "active-claims", tier: "core", retention: "while owned", count: "SELECT COUNT(*) FROM claims", bind: .nothing),
        Construct(
            name: "running-stacks", tier: "core", retention: "while running",
            count: "SELECT COUNT(DISTINCT owner) FROM supervised_processes WHERE kind = 'stack'", bind: .nothing),
        Construct(
            name: "running-runs", tier: "core", retention: "while running",
            count: "SELECT COUNT(*) FROM runs WHERE state IN ('starting', 'running')", bind: .nothing),
        Construct(
            name: "recent-notes", tier: "recall", retention: "7 days (and while the session is active)",
            count: "SELECT COUNT(*) FROM notes n JOIN sessions s ON s.id = n.session_id WHERE s.state = 'active' OR n.at >= ?", bind: .recent),
        Construct(
            name: "channel-messages", tier: "recall", retention: "PORT_DADDY_CHANNEL_MAX_MESSAGES per channel, 7 days",
            count: "SELECT COUNT(*) FROM messages WHERE channel NOT LIKE 'inbox:%'", bind: .nothing),
        Construct(
            name: "inbox", tier: "recall", retention: "as channels", count: "SELECT COUNT(*) FROM messages WHERE channel LIKE 'inbox:%'",
            bind: .nothing),
        Construct(name: "activity", tier: "recall", retention: "30 days", count: "SELECT COUNT(*) FROM activity", bind: .nothing),
        Construct(
            name: "tuples", tier: "recall", retention: "their TTL",
            count: "SELECT COUNT(*) FROM tuples WHERE expires_at IS NULL OR expires_at > ?", bind: .now),
        Construct(name: "pheromones", tier: "recall", retention: "until below 0.001", count: "SELECT COUNT(*) FROM pheromones", bind: .nothing),
        Construct(
            name: "integration-signals", tier: "recall", retention: "until replaced", count: "SELECT COUNT(*) FROM integrations", bind: .nothing),
        Construct(
            name: "ended-sessions", tier: "archival", retention: "kept",
            count: "SELECT COUNT(*) FROM sessions WHERE state <> 'active'", bind: .nothing),
        Construct(
            name: "archived-notes", tier: "archival", retention: "kept with their session",
            count: "SELECT COUNT(*) FROM notes n JOIN sessions s ON s.id = n.session_id WHERE s.state <> 'active' AND n.at < ?", bind: .recent),
        Construct(
            name: "resolved-salvage", tier: "archival", retention: "kept",
            count: "SELECT COUNT(*) FROM salvage WHERE state IN ('completed', 'dismissed')", bind: .nothing),
        Construct(name: "changelog", tier: "archival", retention: "180 days", count: "SELECT COUNT(*) FROM changelog", bind: .nothing),
        Construct(name: "episodes", tier: "archival", retention: "1 year", count: "SELECT COUNT(*) FROM episodes", bind: .nothing),
        Construct(
            name: "run-records", tier: "archival", retention: "30 days after the end",
            count: "SELECT COUNT(*) FROM runs WHERE state NOT IN ('starting', 'running')", bind: .nothing),
        Construct(name: "sortie-records", tier: "archival", retention: "kept", count: "SELECT COUNT(*) FROM sorties", bind: .nothing),
        Construct(name: "cost-events", tier: "archival", retention: "with their run", count: "SELECT COUNT(*) FROM cost_events", bind: .nothing),
    ]

    let store: any EpisodeStore
    let clock: any WallClock

    public init(store: any EpisodeStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// Every construct with its live count, and the totals per tier.
    public func tiers() throws(PortDaddyError) -> MemoryTiersResponse {
        let now = clock.nowMillis()
        let counts = try store.memoryCounts(now: now, recentSince: now - 7 * 86_400_000)
        let constructs = Self.constructs.map { MemoryConstruct(name: $0.name, tier: $0.tier, retention: $0.retention, count: counts[$0.name] ?? 0) }
        var totals: [String: Int] = [:]
        for construct in constructs { totals[construct.tier, default: 0] += construct.count }
        return MemoryTiersResponse(constructs: constructs, totals: totals)
    }

    /// One construct by its kebab-case name.
    public func construct(_ name: String) throws(PortDaddyError) -> MemoryConstruct {
        guard let found = try tiers().constructs.first(where: { $0.name == name.lowercased() }) else {
            throw .notFound("no construct \(name); one of: " + Self.constructs.map(\.name).joined(separator: ", "))
        }
        return found
    }
}
