extension Routes {
    // MARK: graph (open-read: relations between agents, sessions, files, identities, locks and runs)
    public static let graph = APIRoute<NoBody, GraphResponse>(
        .get, "/graph", query: ["node", "kind", "depth"], "the coordination graph: live and durable edges, around a node up to a depth")
    public static let graphStats = APIRoute<NoBody, GraphStats>(
        .get, "/graph/stats", query: ["project"], "edges counted by kind and the heaviest co-claimed file pairs")

    static var graphRoutes: [AnyAPIRoute] { [graph.erased, graphStats.erased] }
}
