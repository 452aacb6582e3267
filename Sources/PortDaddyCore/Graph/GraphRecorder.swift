import PortDaddyAPI

/// Writes the durable edges of the coordination graph from the write paths that make them: file claims
/// (`co-claimed`), salvage claims (`handed-off`), launches (`spawned`) and changelog entries (`changed`). Recording
/// never fails the caller; edges not seen for ``retentionSeconds`` are pruned by the reaper.
public final class GraphRecorder: Sendable {
    let store: any GraphStore
    let clock: any WallClock

    /// How long an edge is kept after it was last recorded.
    public static let retentionSeconds: Double = 180 * 86400
    /// Files per session that form `co-claimed` pairs (the first ones claimed): a session claiming thousands of
    /// files would otherwise write millions of pairs.
    public static let coClaimLimit = 64

    public init(store: any GraphStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// `session` was granted `paths`: each pair of files the session holds counts once for the session.
    public func filesClaimed(_ paths: [String], session: String) {
        _ = try? store.recordCoClaims(session: session, paths: paths, at: clock.nowMillis(), limit: Self.coClaimLimit)
    }

    /// `agent` claimed the salvage `dead` left.
    public func handedOff(dead: String, to agent: String) {
        bump(.handedOff, GraphNode(.agent, dead), GraphNode(.agent, agent), project: .agent(dead))
    }

    /// A launch started `run` as `agent` (for `sortie`, when it is one's).
    public func spawned(run: String, agent: String, sortie: String?, identity: String?) {
        if let sortie { bump(.spawned, GraphNode(.sortie, sortie), GraphNode(.run, run), project: .identity(identity)) }
        bump(.spawned, GraphNode(.run, run), GraphNode(.agent, agent), project: .identity(identity))
    }

    /// A changelog entry on `identity` was written from `session`.
    public func changed(session: String, identity: String) {
        bump(.changed, GraphNode(.session, session), GraphNode(.identity, identity), project: .identity(identity))
    }

    /// A message on `channel` started a fleet `run`. Nothing calls it yet: fleets are a later issue.
    public func triggered(channel: String, run: String) {
        bump(.triggered, GraphNode(.channel, channel), GraphNode(.run, run), project: .identity(nil))
    }

    /// Deletes edges not recorded for the retention. Returns how many went.
    @discardableResult
    public func prune() throws(PortDaddyError) -> Int {
        try store.pruneEdges(olderThan: clock.nowMillis() - Int64(Self.retentionSeconds * 1000))
    }

    func bump(_ kind: GraphEdgeKind, _ from: GraphNode, _ to: GraphNode, project: GraphProjectSource) {
        try? store.bumpEdge(kind, from: from.id, to: to.id, project: project, at: clock.nowMillis())
    }
}
