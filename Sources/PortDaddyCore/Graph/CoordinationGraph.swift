import PortDaddyAPI

/// Reads the coordination graph: the durable edges of ``GraphRecorder`` together with the live ones of
/// ``LiveEdges``, around a node up to a depth, and counts of both.
public struct CoordinationGraph: Sendable {
    public let recorder: GraphRecorder
    let live: @Sendable () throws(PortDaddyError) -> [GraphEdge]

    /// The deepest walk `depth` may ask for.
    public static let maxDepth = 5
    /// The most edges one answer carries (heaviest durable edges first when there is no node).
    public static let maxEdges = 2000

    /// A graph over `recorder`'s store whose live edges come from `live` (see ``init(recorder:coordination:locks:claims:)``).
    public init(recorder: GraphRecorder, live: @escaping @Sendable () throws(PortDaddyError) -> [GraphEdge]) {
        self.recorder = recorder
        self.live = live
    }

    /// A graph whose live edges are derived from the agents, active sessions, held locks and claims right now.
    public init(recorder: GraphRecorder, coordination: CoordinationService, locks: LockService, claims: ClaimService) {
        self.init(recorder: recorder) { () throws(PortDaddyError) -> [GraphEdge] in
            LiveEdges.derive(
                agents: try coordination.agents(), sessions: try coordination.sessions(agent: nil, includeEnded: false),
                locks: locks.list().map(\.lock), claims: claims.snapshot())
        }
    }

    /// Parses a node (`KIND:ID`); a file's path, an agent id, an identity and a lock name are normalized as elsewhere.
    public static func node(_ raw: String) throws(PortDaddyError) -> GraphNode {
        guard let node = GraphNode(parsing: raw) else { throw .invalidRequest(GraphNode.problem(with: raw)) }
        switch node.kind {
        case .file: return GraphNode(.file, try CoordinationService.validatedPath(node.key))
        case .agent: return GraphNode(.agent, try CoordinationService.agentID(node.key))
        case .identity:
            do { return GraphNode(.identity, try Identity(parsing: node.key).description) } catch { throw .invalidIdentity(error.description) }
        case .lock:
            do { return GraphNode(.lock, try LockName(parsing: node.key).value) } catch { throw .invalidLockName(error.description) }
        default: return node
        }
    }

    /// Parses an edge kind.
    public static func kind(_ raw: String) throws(PortDaddyError) -> GraphEdgeKind {
        guard let kind = GraphEdgeKind(rawValue: raw) else { throw .invalidRequest(GraphEdgeKind.problem(with: raw)) }
        return kind
    }

    /// Every edge of `kind` (all kinds when nil); with `node`, only those reachable from it in at most `depth` steps
    /// (either direction, through edges of `kind`). Edges come sorted by kind, then ends.
    public func edges(around node: GraphNode?, kind: GraphEdgeKind?, depth: Int = 1) throws(PortDaddyError) -> GraphResponse {
        guard (1...Self.maxDepth).contains(depth) else { throw .invalidRequest("depth must be 1 to \(Self.maxDepth)") }
        let kinds = kind.map { Set([$0]) }
        let current = try live().filter { kinds?.contains($0.kind) ?? true }
        var found: [String: GraphEdge] = [:]
        func key(_ e: GraphEdge) -> String { e.kind.rawValue + "\u{0}" + e.from + "\u{0}" + e.to }
        if let node {
            var visited: Set<String> = [node.id]
            var frontier: Set<String> = [node.id]
            for _ in 0..<depth where !frontier.isEmpty && found.count < Self.maxEdges {
                let step =
                    try recorder.store.edges(touching: frontier, kinds: kinds)
                    + current.filter { frontier.contains($0.from) || frontier.contains($0.to) }
                var next: Set<String> = []
                for edge in step where found[key(edge)] == nil && found.count < Self.maxEdges {
                    found[key(edge)] = edge
                    for end in [edge.from, edge.to] where !visited.contains(end) { next.insert(end) }
                }
                visited.formUnion(next)
                frontier = next
            }
        } else {
            for edge in current.prefix(Self.maxEdges) { found[key(edge)] = edge }
            let room = Self.maxEdges - found.count
            if room > 0, kind?.isDurable ?? true {
                for edge in try recorder.store.edges(kind: kind, project: nil, limit: room) { found[key(edge)] = edge }
            }
        }
        let edges = found.values.sorted { ($0.kind.rawValue, $0.from, $0.to) < ($1.kind.rawValue, $1.from, $1.to) }
        var nodes = Set(edges.flatMap { [$0.from, $0.to] })
        if let node { nodes.insert(node.id) }
        return GraphResponse(nodes: nodes.sorted().compactMap(GraphNode.init(parsing:)), edges: edges)
    }

    /// Edges counted by kind (durable ones of `project` when given, live ones across the machine) and the ten
    /// heaviest co-claimed pairs.
    public func stats(project: String?) throws(PortDaddyError) -> GraphStats {
        let project = project?.lowercased()
        var live: [String: Int] = [:]
        for edge in try self.live() { live[edge.kind.rawValue, default: 0] += 1 }
        return GraphStats(
            project: project, durable: try recorder.store.edgeCounts(project: project), live: live,
            topCoClaimed: try recorder.store.edges(kind: .coClaimed, project: project, limit: 10))
    }
}
