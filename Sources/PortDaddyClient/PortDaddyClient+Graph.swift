import PortDaddyAPI

/// The coordination graph: edges around a node, and counts.
extension PortDaddyClient {
    /// Edges (`node` as `KIND:ID`, `kind` an edge kind, `depth` steps from the node).
    public func graph(node: String? = nil, kind: String? = nil, depth: Int? = nil) throws(ClientError) -> GraphResponse {
        try call(Routes.graph, query: [("node", node), ("kind", kind), ("depth", depth.map(String.init))])
    }

    public func graphStats(project: String? = nil) throws(ClientError) -> GraphStats { try call(Routes.graphStats, query: [("project", project)]) }
}
