extension Routes {
    // MARK: cluster mode (404 NOT_FOUND on a daemon that runs alone)
    public static let cluster = APIRoute<NoBody, ClusterStatusResponse>(
        .get, "/cluster", "this node, the PostgreSQL it shares, and every node with its lease")
    public static let clusterPorts = APIRoute<NoBody, ClusterPortsResponse>(
        .get, "/cluster/ports", query: ["pattern"], "every node's published port claims (pd find --cluster)")

    public static let forgetClusterNode = APIRoute<NoBody, ClusterNodeForgotten>(
        .delete, "/cluster/nodes/:name", "remove a node whose lease ran out from the cluster's list (trusted)")

    static var clusterRoutes: [AnyAPIRoute] { [cluster.erased, clusterPorts.erased, forgetClusterNode.erased] }
}
