import PortDaddyAPI

/// Cluster mode.
extension PortDaddyClient {
    public func cluster() throws(ClientError) -> ClusterStatusResponse { try call(Routes.cluster) }

    public func forgetClusterNode(_ name: String) throws(ClientError) -> ClusterNodeForgotten { try call(Routes.forgetClusterNode, name) }

    public func clusterPorts(pattern: String? = nil) throws(ClientError) -> ClusterPortsResponse {
        try call(Routes.clusterPorts, query: [("pattern", pattern?.isEmpty == false ? pattern : nil)])
    }
}
