import PortDaddyAPI

/// The live edges of the coordination graph, derived from current state at read time (nothing stored):
/// an agent runs its active session, a session holds its file claims and the port of its identity, a lock is held
/// by its owner (and by the agent whose process holds it), a claimed port belongs to the agent whose identity it
/// is (or whose process claimed it).
public enum LiveEdges {
    public static func derive(agents: [AgentInfo], sessions: [SessionInfo], locks: [Lock], claims: [Claim]) -> [GraphEdge] {
        var edges: [GraphEdge] = []
        for session in sessions {
            let node = GraphNode(.session, session.id).id
            edges.append(GraphEdge(from: GraphNode(.agent, session.agentID).id, to: node, kind: .runs, at: session.startedAt))
            for file in session.files {
                edges.append(GraphEdge(from: node, to: GraphNode(.file, file).id, kind: .claimsFile, at: session.startedAt))
            }
            if let identity = session.identity {
                edges.append(GraphEdge(from: node, to: GraphNode(.identity, identity).id, kind: .claimsPort, at: session.startedAt))
            }
        }
        let live = agents.filter { $0.state == "alive" || $0.state == "stale" }
        for lock in locks {
            let node = GraphNode(.lock, lock.name.value).id
            var holders = [lock.owner]
            if let pid = lock.pid { holders += live.filter { $0.pid == Int(pid) }.map(\.id) }
            for holder in Set(holders).sorted() {
                edges.append(GraphEdge(from: node, to: GraphNode(.agent, holder).id, kind: .heldBy, at: lock.acquiredAt))
            }
        }
        for claim in claims {
            let identity = claim.identity.description
            let owners = live.filter { $0.identity == identity || (claim.pid != nil && $0.pid == claim.pid.map(Int.init)) }
            for agent in owners {
                edges.append(
                    GraphEdge(from: GraphNode(.identity, identity).id, to: GraphNode(.agent, agent.id).id, kind: .portOf, at: claim.claimedAt))
            }
        }
        return edges
    }
}
