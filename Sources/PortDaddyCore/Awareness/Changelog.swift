import PortDaddyAPI

/// What changed on which identity: entries written by agents (or `pd done --changelog`), listed, nested into a
/// project → stack → context tree, and pruned after their retention.
public final class Changelog: Sendable {
    let store: any ChangelogStore
    let clock: any WallClock
    let activity: ActivityLog?
    /// Where an entry written from a session becomes a `changed` edge (session → identity).
    let graph: GraphRecorder?
    /// How long entries are kept (`PORT_DADDY_CHANGELOG_MAX_AGE`, default 180 days).
    public let retentionSeconds: Double

    public init(
        store: any ChangelogStore, clock: any WallClock = SystemWallClock(), activity: ActivityLog? = nil, retentionSeconds: Double = 180 * 86400,
        graph: GraphRecorder? = nil
    ) {
        self.graph = graph
        self.store = store
        self.clock = clock
        self.activity = activity
        self.retentionSeconds = retentionSeconds
    }

    /// Adds an entry for `identity` (normalized); summary 1–500 bytes, description up to 10,000.
    public func add(
        identity raw: String, summary: String, type: ChangeType = .note, description: String? = nil, agent: String? = nil, session: String? = nil
    ) throws(PortDaddyError) -> ChangeEntry {
        let identity: Identity
        do { identity = try Identity(parsing: raw) } catch { throw .invalidIdentity(error.description) }
        let text = summary.trimmingWhitespace()
        guard !text.isEmpty, text.utf8.count <= 500 else { throw .invalidRequest("summary must be 1 to 500 bytes") }
        if let description, description.utf8.count > 10_000 { throw .invalidRequest("description must be at most 10,000 bytes") }
        let entry = try store.addChange(
            identity: identity.description, type: type, summary: text, description: description, agent: agent, session: session,
            at: clock.nowMillis())
        activity?.record(.changelogAdd, actor: agent, subject: entry.identity, detail: "\(type.rawValue): \(text)")
        if let session { graph?.changed(session: session, identity: entry.identity) }
        return entry
    }

    /// Entries newest first matching `pattern` (an identity pattern; nil for all), since `since` ms.
    public func entries(matching pattern: String?, since: Int64?, limit: Int) throws(PortDaddyError) -> [ChangeEntry] {
        var matcher: IdentityPattern?
        if let pattern {
            do { matcher = try IdentityPattern(parsing: pattern) } catch { throw .invalidIdentity(error.description) }
        }
        let all = try store.changes(since: since ?? 0, limit: 100_000)
        return Array(
            all.filter { entry in
                guard let matcher else { return true }
                guard let identity = try? Identity(parsing: entry.identity) else { return false }
                // A project pattern also matches its stacks and contexts.
                return matcher.matches(identity) || matcher.matches(name: identity.segments[0])
            }.prefix(max(0, limit)))
    }

    /// The entries as a tree: each identity's ancestors are nodes (project, then project:stack), counts include
    /// descendants, and each node shows its own three latest entries.
    public func tree(matching pattern: String?) throws(PortDaddyError) -> [ChangeTreeNode] {
        let entries = try self.entries(matching: pattern, since: nil, limit: 100_000)
        var own: [String: [ChangeEntry]] = [:]
        var names = Set<String>()
        for entry in entries {
            own[entry.identity, default: []].append(entry)
            let segments = entry.identity.split(separator: ":").map(String.init)
            for depth in 1...segments.count { names.insert(segments.prefix(depth).joined(separator: ":")) }
        }
        func node(_ name: String) -> ChangeTreeNode {
            let depth = name.split(separator: ":").count
            let children = names.filter { $0.hasPrefix(name + ":") && $0.split(separator: ":").count == depth + 1 }.sorted().map(node)
            let count = (own[name]?.count ?? 0) + children.reduce(0) { $0 + $1.count }
            return ChangeTreeNode(identity: name, count: count, latest: Array((own[name] ?? []).prefix(3)), children: children)
        }
        return names.filter { !$0.contains(":") }.sorted().map(node)
    }

    /// Deletes entries older than the retention.
    @discardableResult
    public func prune() throws(PortDaddyError) -> Int {
        try store.pruneChanges(olderThan: clock.nowMillis() - Int64(retentionSeconds * 1000))
    }
}
